export const placeholder = "node-http";
