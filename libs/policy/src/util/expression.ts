/** A `when` may be written bare (`step.kind = 'uses'`) or wrapped like pipeline expressions (`${ ... }`). */
export function stripExpression(source: string): string {
  const m = /^\s*\$\{([\s\S]*)\}\s*$/.exec(source);
  return (m ? m[1]! : source).trim();
}
