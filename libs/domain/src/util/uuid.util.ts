const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the text is a UUID (any version), as ids of rounds, persons and files are. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
