import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.config.base.js";

export default defineConfig(baseTsupOptions);
