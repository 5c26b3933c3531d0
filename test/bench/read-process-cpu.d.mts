export function readProcessCpu(pid: number, read?: (path: string) => string): number | undefined;
export function parseProcessStat(stat: string): number | undefined;
