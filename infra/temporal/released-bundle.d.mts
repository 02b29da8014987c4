/** The last commit at which `workflows/package.json` had `version` (from workflows/releases.json). */
export function releasedCommit(version: string): string;

/**
 * The webpack bundle code of the workflow code at `gitRef` (a commit, tag or branch of this
 * repository). `log` receives progress lines and the bundler's warnings.
 */
export function bundleWorkflowsAt(gitRef: string, options?: { log?: (message: string) => void }): Promise<string>;
