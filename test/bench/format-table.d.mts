export function formatTable(header: string[], rows: Array<Array<string | number>>): string;
export function formatNumber(value: number): string;
