// The routine catalog on its own: the tables, the version call sites cache on, and the sync with a repository
// (a store that fails is retried only after a pause; a stored source that does not compile is reported once).
import { expect } from 'chai';
import type { Output, PrintLevel } from '../../../language/contract';
import type { RoutineDecl, Span } from '../../../language/ast';
import { parse } from '../../../language/grammar/parse';
import { Compiler } from '../../../language/evaluator/compile';
import { MemoryOutbox } from '../../../language/outbox';
import { MemoryRoutineRepository, RoutineRepository, StoredRoutine } from '../../../language/routines';
import { HostState } from '../../../language/session/host-state';
import { ROUTINE_SYNC_RETRY_MS, RoutineCatalog } from '../../../language/session/routine-catalog';

class Prints implements Output {
  readonly lines: { text: string; level?: PrintLevel }[] = [];
  print(text: string, level?: PrintLevel): void { this.lines.push({ text, level }); }
  display(): void {}
  updateDisplay(): void {}
  clear(): void {}
}

/** A catalog on `repo` compiling with a real Compiler, and a clock the test moves. */
function catalogOn(repo: RoutineRepository) {
  const clock = { now: 1_000_000 };
  let compiler: Compiler;
  const catalog = new RoutineCatalog(repo, (decl) => compiler.compileRoutine(decl, null), () => clock.now);
  compiler = new Compiler(new HostState({ routines: catalog, outbox: new MemoryOutbox(), variables: {}, integrations: { dryRun: true } }));
  return { catalog, clock };
}

/** The declaration and span of a `CREATE ...` statement. */
function create(text: string): { decl: RoutineDecl; span: Span } {
  const s = parse(text).body[0];
  if (s.kind !== 'createRoutine') throw new Error(`not a CREATE: ${text}`);
  return { decl: s.decl, span: s.span };
}

function stored(kind: StoredRoutine['kind'], name: string, source: string): StoredRoutine {
  return { kind, name, source, signature: `${name}()`, createdAt: '2024-01-01T00:00:00Z' };
}

/** A repository whose reads fail while `down` is set. */
class FlakyRepository extends MemoryRoutineRepository {
  down = true;
  reads = 0;
  override list(): StoredRoutine[] {
    this.reads++;
    if (this.down) throw new Error('store unreachable');
    return super.list();
  }
}

describe('RoutineCatalog', () => {
  it('defines, finds (preferred kind first), shows and drops routines, saving them in the repository', () => {
    const repo = new MemoryRoutineRepository();
    const { catalog } = catalogOn(repo);
    const proc = create('CREATE PROCEDURE twin() BEGIN PRINT 1; END PROCEDURE;');
    const fn = create('CREATE FUNCTION twin() RETURNS NUMBER BEGIN RETURN 1; END FUNCTION;');
    expect(catalog.define(proc.decl, proc.span)).to.equal(undefined);
    catalog.define(fn.decl, fn.span);
    expect(catalog.find('twin', 'PROCEDURE')!.decl.routine).to.equal('PROCEDURE');
    expect(catalog.find('twin', 'FUNCTION')!.decl.routine).to.equal('FUNCTION');
    expect(repo.list().map((r) => `${r.kind} ${r.name}`).sort()).to.deep.equal(['FUNCTION twin', 'PROCEDURE twin']);
    expect(catalog.show('FUNCTION', 'twin', fn.span)).to.deep.equal({
      name: 'twin', kind: 'FUNCTION', signature: 'twin() RETURNS NUMBER', source: 'CREATE FUNCTION twin() RETURNS NUMBER BEGIN RETURN 1; END FUNCTION;',
    });
    catalog.drop('PROCEDURE', 'twin', proc.span);
    expect(catalog.find('twin', 'PROCEDURE')!.decl.routine).to.equal('FUNCTION');
    expect(() => catalog.drop('PROCEDURE', 'twin', proc.span)).to.throw('procedure twin does not exist');
    expect(repo.list().map((r) => r.kind)).to.deep.equal(['FUNCTION']);
  });

  it('bumps its version at every change, so cached call targets are looked up again', async () => {
    const repo = new MemoryRoutineRepository();
    const { catalog } = catalogOn(repo);
    const p = create('CREATE PROCEDURE p() BEGIN PRINT 1; END PROCEDURE;');
    const v0 = catalog.version;
    catalog.define(p.decl, p.span);
    const v1 = catalog.version;
    expect(v1).to.be.greaterThan(v0);
    await catalog.sync(new Prints()); // the repository holds the same source: nothing changes
    expect(catalog.version).to.equal(v1);
    repo.remove('PROCEDURE', 'p'); // dropped by another kernel
    await catalog.sync(new Prints());
    expect(catalog.find('p', 'PROCEDURE')).to.equal(undefined);
    expect(catalog.version).to.be.greaterThan(v1);
  });

  it('puts back the previous definition when saving the new one fails', async () => {
    const repo = new MemoryRoutineRepository();
    const { catalog } = catalogOn(repo);
    const first = create('CREATE FUNCTION f() RETURNS NUMBER BEGIN RETURN 1; END FUNCTION;');
    catalog.define(first.decl, first.span);
    const before = catalog.find('f', 'FUNCTION');
    repo.save = () => Promise.reject(new Error('disk full'));
    const second = create('CREATE OR REPLACE FUNCTION f() RETURNS NUMBER BEGIN RETURN 2; END FUNCTION;');
    let failure: unknown;
    await catalog.define(second.decl, second.span)!.catch((e) => { failure = e; });
    expect(String(failure)).to.contain('disk full');
    expect(catalog.find('f', 'FUNCTION')).to.equal(before);
  });

  it('after a failed read of the repository, warns once and does not read it again for a while', async () => {
    const repo = new FlakyRepository();
    const { catalog, clock } = catalogOn(repo);
    const out = new Prints();
    await catalog.sync(out);
    expect(out.lines).to.deep.equal([{ text: 'stored procedures and functions could not be loaded: store unreachable', level: 'WARN' }]);
    repo.down = false;
    repo.save(stored('PROCEDURE', 'later', 'CREATE PROCEDURE later() BEGIN PRINT 1; END PROCEDURE;'));
    clock.now += ROUTINE_SYNC_RETRY_MS - 1;
    await catalog.sync(out);
    expect(repo.reads).to.equal(1);
    expect(catalog.find('later', 'PROCEDURE')).to.equal(undefined);
    clock.now += 1;
    await catalog.sync(out);
    expect(repo.reads).to.equal(2);
    expect(catalog.find('later', 'PROCEDURE')!.decl.name).to.equal('later');
    expect(out.lines).to.have.length(1);
  });

  it('reports a stored source that does not parse once, and keeps loading the others', async () => {
    const repo = new MemoryRoutineRepository();
    repo.save(stored('PROCEDURE', 'bad', 'CREATE PROCEDURE bad( BEGIN'));
    repo.save(stored('FUNCTION', 'good', 'CREATE FUNCTION good() RETURNS NUMBER BEGIN RETURN 1; END FUNCTION;'));
    const { catalog } = catalogOn(repo);
    const out = new Prints();
    await catalog.sync(out);
    await catalog.sync(out);
    expect(out.lines).to.deep.equal([{ text: 'stored procedure bad could not be compiled: it does not parse', level: 'WARN' }]);
    expect(catalog.find('good', 'FUNCTION')!.decl.name).to.equal('good');
    expect(catalog.find('bad', 'PROCEDURE')).to.equal(undefined);
  });
});
