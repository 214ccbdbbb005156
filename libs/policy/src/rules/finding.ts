/** The outcome of one rule on one target, before the policy's mode turns it into a decision. */
export interface Finding {
  violated: boolean;
  reason: string;
  stepPath?: string;
  activity?: string;
}

export const violation = (reason: string, extra: Omit<Finding, 'violated' | 'reason'> = {}): Finding => ({
  violated: true,
  reason,
  ...extra,
});
export const compliant = (reason: string, extra: Omit<Finding, 'violated' | 'reason'> = {}): Finding => ({
  violated: false,
  reason,
  ...extra,
});
