/**
 * Makes a recorded Claude Code request body fit to commit: machine paths become
 * `/project`, and the per-user and per-session values get fixed stand-ins. The shape,
 * which is what the fixture is for, stays exactly as the CLI sent it.
 */
export function sanitizeRecordedBody(bodyText: string, paths: { root: string; project: string }): unknown {
  const text = bodyText.split(paths.project).join("/project").split(paths.root).join("/e2e");
  const body = JSON.parse(text) as Record<string, unknown>;
  if (body.metadata && typeof body.metadata === "object") {
    body.metadata = {
      ...(body.metadata as object),
      user_id: JSON.stringify({ device_id: "e2e", session_id: "e2e" }),
    };
  }
  return body;
}
