export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}
export function rankSelfTime(
  profile: CpuProfile,
): Array<{ name: string; location: string; selfMs: number; share: number }>;
export function shortenUrl(url: string): string;
export function summariseCpuProfile(path: string, options: { top: number }): string;
