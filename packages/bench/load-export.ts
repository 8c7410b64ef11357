/**
 * One export of a workspace package, or why it could not be loaded: the bench still runs the modes that do not
 * need it. The workspace links every package to the same packages/core/src, so `instanceof` checks across them hold.
 */
export async function loadExport<T>(specifier: string, name: string): Promise<T | Error> {
  try {
    const module = (await import(specifier)) as Record<string, unknown>;
    return (module[name] as T | undefined) ?? new Error(`${specifier} does not export ${name}`);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
