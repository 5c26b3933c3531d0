/**
 * Claude Code's attribution line: `x-anthropic-billing-header: cc_version=2.1.332.885; cc_entrypoint=cli;`
 * (more `key=value;` pairs may follow). It is sent as the first system block of every request,
 * carries no instruction to the model, and its value changes from session to session.
 */
const BILLING_HEADER = /^x-anthropic-billing-header:(?:[ \t]*[A-Za-z0-9_.-]+=[^;\r\n]*;)+[ \t]*$/;

/**
 * Whether a system text is nothing but Claude Code's billing header line. Forwarded to Gemini
 * it would only change the start of `systemInstruction` per session, which defeats Gemini's
 * prefix caching; a text with anything besides that one line is an instruction and is kept.
 *
 * @example
 * isBillingHeaderText("x-anthropic-billing-header: cc_version=2.1.332.885; cc_entrypoint=cli;"); // true
 * isBillingHeaderText("x-anthropic-billing-header: cc_version=1;\nYou are a helpful agent."); // false
 */
export function isBillingHeaderText(text: string): boolean {
  return BILLING_HEADER.test(text.trim());
}
