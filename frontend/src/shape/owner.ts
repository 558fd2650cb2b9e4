/** An owner as people read it, and where an empty one can be set. */

/** What an empty owner reads as (the owner filters' value for it too). */
export const NO_OWNER = "no owner set";

export function ownerText(owner: string | null | undefined): string {
  return owner?.trim() || NO_OWNER;
}

/** A control's fields as upsertControls takes them (it writes every field, so all are carried over). */
export interface ControlFields {
  id: string;
  title: string;
  description: string;
  domain: string;
  owner: string;
  status: string;
  frequency: string;
  kind: string;
  automated: boolean;
  expectedEvidence: readonly string[];
}

function hasEveryField(control: object): control is ControlFields {
  return ["title", "description", "domain", "status", "frequency", "kind", "automated", "expectedEvidence"].every(
    (k) => k in control,
  );
}

/**
 * Where a control's owner is set: GraphiQL (`/graphql?q=`) with the upsertControls mutation an
 * editor or admin sends. With the control's fields known it is ready to run once the owner is
 * typed; with only the id it first reads the control (upsert writes every field, keeping edges).
 */
export function ownerEditHref(control: ControlFields | { id: string }): string {
  const id = JSON.stringify(control.id);
  let doc: string;
  if (hasEveryField(control)) {
    const c = control;
    doc = [
      `# Set the owner of control ${c.id} (an editor or admin): type it below, then run.`,
      "# upsertControls writes every field of the control, so its other fields are the current ones.",
      "mutation SetOwner {",
      `  upsertControls(controls: [{ id: ${id}, title: ${JSON.stringify(c.title)}, description: ${JSON.stringify(c.description)},`,
      `    domain: ${JSON.stringify(c.domain)}, status: ${c.status}, frequency: ${c.frequency}, kind: ${c.kind},`,
      `    automated: ${c.automated}, expectedEvidence: ${JSON.stringify(c.expectedEvidence)}, owner: "" }]) { id owner }`,
      "}",
    ].join("\n");
  } else {
    doc = [
      `# Set the owner of control ${control.id} (an editor or admin). upsertControls writes every field:`,
      "# run ControlNow, copy its fields into SetOwner with the owner typed in, then run SetOwner.",
      `query ControlNow { control(id: ${id}) { id title description domain owner status frequency kind automated expectedEvidence } }`,
      `mutation SetOwner { upsertControls(controls: [{ id: ${id}, title: "", owner: "" }]) { id owner } }`,
    ].join("\n");
  }
  return `/graphql?q=${encodeURIComponent(doc)}`;
}
