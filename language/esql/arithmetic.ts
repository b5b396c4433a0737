// + - * / % on two values of one numeric type, with ES|QL's overflow and division-by-zero failures.
import { DataType } from './types';
import { EvalFailure } from './errors';
import { checkInt, divByZero, longOp } from './values';

export function arithmeticImpl(op: '+' | '-' | '*' | '/' | '%', type: DataType): (a: unknown, b: unknown) => unknown {
  if (type === 'double') {
    return (a, b) => {
      const x = a as number;
      const y = b as number;
      let r: number;
      switch (op) {
        case '+': r = x + y; break;
        case '-': r = x - y; break;
        case '*': r = x * y; break;
        case '/': if (y === 0) throw divByZero(); r = x / y; break;
        case '%': if (y === 0) throw divByZero(); r = x % y; break;
      }
      if (!Number.isFinite(r)) throw new EvalFailure('java.lang.ArithmeticException', `not a finite double number: ${r}`);
      return r;
    };
  }
  if (type === 'integer') {
    return (a, b) => {
      const x = a as number;
      const y = b as number;
      switch (op) {
        case '+': return checkInt(x + y);
        case '-': return checkInt(x - y);
        case '*': return checkInt(x * y); // a product within int range is exact in a double; others overflow
        case '/': if (y === 0) throw divByZero(); return checkInt(Math.trunc(x / y));
        case '%': if (y === 0) throw divByZero(); return (x % y) + 0;
      }
    };
  }
  return (a, b) => longOp(op, a, b, type);
}
