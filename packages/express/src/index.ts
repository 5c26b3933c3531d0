export const placeholder = "express";
