export const placeholder = "core";
