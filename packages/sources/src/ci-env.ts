/** Whether the environment says this is a CI job: `CI` set to anything but empty, `0` or `false`. */
export function isCi(env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}
