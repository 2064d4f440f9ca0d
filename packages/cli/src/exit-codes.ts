/** Exit codes are part of keyward's contract (DESIGN §2). */
export const EXIT = {
  clean: 0,
  findings: 1,
  error: 2,
  incomplete: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
