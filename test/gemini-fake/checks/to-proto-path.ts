/** `functionResponse` → `function_response`: Google names fields in error paths by their proto names. */
export function toProtoPath(jsonName: string): string {
  return jsonName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
