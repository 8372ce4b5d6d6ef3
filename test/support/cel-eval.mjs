// Evaluates CEL expressions with @marcbachmann/cel-js (an ES module, hence its own process):
// stdin [{ expression, variables }], stdout [{ value } | { error }] in the same order.
import { evaluate } from '@marcbachmann/cel-js';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = JSON.parse(input).map(({ expression, variables }) => {
  try {
    const value = evaluate(expression, variables);
    return { value: typeof value === 'bigint' ? Number(value) : value };
  } catch (error) {
    return { error: String(error?.message ?? error).split('\n')[0] };
  }
});
process.stdout.write(JSON.stringify(results));
