// Record types (CREATE TYPE name AS RECORD (...) END TYPE): the session's table of them, what a declared type
// `DECLARE c customer_type` is checked against, and the documents `.escript_types` keeps of them.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { RecordType, typeText } from '../evaluator/types';
import type { SchemaDoc } from '../schema-objects';
import type { Value } from '../values';

interface StoredType {
  readonly rec: RecordType;
  readonly source: string;
  readonly createdAt: string;
}

export class TypeCatalog {
  private readonly types = new Map<string, StoredType>();
  changes = 0;

  /** The record type of that name (the evaluator's TypeResolver). */
  readonly find = (name: string): RecordType | undefined => this.types.get(name)?.rec;

  /** Checks and adds (or replaces, as the reference does) a type; returns the document to store. */
  define(s: Extract<A.Stmt, { kind: 'createType' }>, source: string, now: string): SchemaDoc {
    const seen = new Set<string>();
    for (const f of s.fields) {
      if (seen.has(f.name)) throw new ScriptError('type_error', `type ${s.name} declares field ${f.name} twice`, f.span);
      seen.add(f.name);
      this.checkKnown(f.type, s.name, f.span);
    }
    this.types.set(s.name, { rec: { name: s.name, fields: s.fields.map((f) => ({ name: f.name, type: f.type })) }, source, createdAt: now });
    this.changes++;
    return this.docOf(s.name)!;
  }

  drop(name: string, span: A.Span): void {
    if (!this.types.delete(name)) throw new ScriptError('not_found_error', `type ${name} does not exist`, span);
    this.changes++;
  }

  /** SHOW TYPES (every type) or SHOW TYPE name. */
  show(name: string | undefined, span: A.Span): Value {
    if (name === undefined) return [...this.types.keys()].sort().map((n) => this.describe(n));
    if (!this.types.has(name)) throw new ScriptError('not_found_error', `type ${name} does not exist`, span);
    return this.describe(name);
  }

  docOf(name: string): SchemaDoc | undefined {
    const t = this.types.get(name);
    if (!t) return undefined;
    return { name, source: t.source, fields: t.rec.fields.map((f) => `${f.name} ${typeText(f.type)}`), created_at: t.createdAt };
  }

  /** Replaces the table with the stored types (a definition that no longer parses is passed to `broken`). */
  load(docs: SchemaDoc[], parse: (source: string) => A.Stmt | undefined, broken: (name: string) => void): void {
    this.types.clear();
    for (const d of docs) {
      const s = parse(String(d.source ?? ''));
      if (s?.kind !== 'createType') { broken(String(d.name)); continue; }
      this.types.set(s.name, { rec: { name: s.name, fields: s.fields.map((f) => ({ name: f.name, type: f.type })) }, source: String(d.source), createdAt: String(d.created_at ?? '') });
    }
    this.changes++;
  }

  private describe(name: string): Value {
    const t = this.types.get(name)!;
    return { name, fields: t.rec.fields.map((f) => ({ name: f.name, type: typeText(f.type) })), created_at: t.createdAt };
  }

  /** A field's type naming another record type needs that type to exist (so no type can contain itself). */
  private checkKnown(t: A.TypeRef, owner: string, span: A.Span): void {
    if (t.kind === 'named' && !this.types.has(t.name)) throw new ScriptError('type_error', `unknown type ${t.name} in type ${owner}`, span);
    if (t.kind === 'array' && t.of) this.checkKnown(t.of, owner, span);
    if (t.kind === 'map' && t.value) this.checkKnown(t.value, owner, span);
  }
}
