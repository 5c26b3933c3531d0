export const placeholder = "fetch-handler";
