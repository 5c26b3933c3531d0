/** The shape of `contents[i]` once `checkContents` and `checkParts` have passed. */
export interface CheckedContent {
  role: "user" | "model";
  parts: CheckedPart[];
}

export interface CheckedPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: Record<string, unknown>; parts?: unknown[] };
  inlineData?: { mimeType: string; data: string };
  toolCall?: { id?: string; toolType?: string; args?: Record<string, unknown> };
  toolResponse?: { id?: string; toolType?: string; response?: Record<string, unknown> };
}
