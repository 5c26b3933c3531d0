export function checkBudget(line: {
  name: string;
  measured: number;
  limit: number;
  kind: "at-most" | "at-least";
  unit: string;
  extra?: boolean;
}): { name: string; met: boolean; text: string };
