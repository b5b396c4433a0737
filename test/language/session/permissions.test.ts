// Roles and EXECUTE grants (the reference's security-permissions.md). The statements on the owner's session,
// and the check on calls made by a session that runs as a user (ESCRIPT_USER, ESCRIPT_ROLES), both on one
// embedded store as two kernels would share it.
import { expect } from 'chai';
import { Session } from '../../../language/session';
import { readConfig } from '../../../language/config';
import { cell, scratchDir, storeSession } from './definitions-support';

const SETUP = [
  "CREATE PROCEDURE deploy(target STRING) BEGIN PRINT 'deploying ' || target; END PROCEDURE",
  'CREATE FUNCTION secret_sum(a NUMBER, b NUMBER) RETURNS NUMBER AS BEGIN RETURN a + b; END FUNCTION',
  "CREATE FUNCTION public_fn() RETURNS STRING AS BEGIN RETURN 'open'; END FUNCTION",
  'CREATE PACKAGE vault AS PROCEDURE peek(); END PACKAGE',
  "CREATE PACKAGE BODY vault AS PROCEDURE peek() BEGIN PRINT 'peeked'; END PROCEDURE; END PACKAGE",
  "CREATE ROLE releasers DESCRIPTION 'may deploy'",
  'GRANT EXECUTE ON PROCEDURE deploy TO ROLE releasers',
  "GRANT EXECUTE ON FUNCTION secret_sum TO USER 'dana@example.com'",
  'GRANT ALL PRIVILEGES ON PACKAGE vault TO ROLE keepers',
];

async function withStore(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = scratchDir();
  const owner = storeSession(dir);
  try {
    for (const code of SETUP) expect((await cell(owner, code)).error, code).to.equal(undefined);
  } finally {
    await owner.shutdown();
  }
  await fn(dir);
}

async function asUser(dir: string, env: Record<string, string>, code: string) {
  const s = storeSession(dir, env);
  try {
    return await cell(s, code);
  } finally {
    await s.shutdown();
  }
}

describe('roles and permissions', () => {
  it('ESCRIPT_USER and ESCRIPT_ROLES name the session principal', () => {
    expect(readConfig({ ESCRIPT_USER: 'ann', ESCRIPT_ROLES: ' ops, dev ,' }).principal).to.deep.equal({ user: 'ann', roles: ['ops', 'dev'] });
    expect(readConfig({}).principal).to.deep.equal({ user: undefined, roles: [] });
  });

  it('GRANT, REVOKE, CREATE/DROP/SHOW ROLE and SHOW PERMISSIONS on the owner session', async () => {
    const s = new Session();
    expect((await cell(s, "CREATE ROLE auditors DESCRIPTION 'read the logs'")).result).to.deep.equal({ acknowledged: true, role: 'auditors', action: 'created' });
    const g = await cell(s, 'GRANT EXECUTE ON FUNCTION read_logs TO ROLE auditors');
    expect(g.result).to.deep.equal({ acknowledged: true, action: 'granted', permission_id: 'ROLE:auditors:FUNCTION:read_logs', privileges: ['EXECUTE'] });
    await cell(s, "GRANT EXECUTE ON JOB nightly TO USER 'eve'");
    const mine = String((await cell(s, "SHOW PERMISSIONS FOR USER 'eve'")).result);
    expect(mine).to.contain('USER:eve:JOB:nightly').and.not.contain('auditors');
    expect(String((await cell(s, 'SHOW PERMISSIONS')).result)).to.contain('USER:eve:JOB:nightly').and.contain('ROLE:auditors:FUNCTION:read_logs');
    const role = (await cell(s, 'SHOW ROLE auditors')).result as Record<string, unknown>;
    expect(role.description).to.equal('read the logs');
    expect((role.permissions as { object_name: string }[]).map((p) => p.object_name)).to.deep.equal(['read_logs']);
    const r = await cell(s, 'REVOKE EXECUTE ON FUNCTION read_logs FROM ROLE auditors');
    expect(r.result).to.deep.include({ action: 'revoked', privileges: [] });
    expect(String((await cell(s, 'SHOW PERMISSIONS')).result)).to.not.contain('read_logs');
    // revoking what was never granted and dropping a role that does not exist are not errors (the page does both)
    expect((await cell(s, 'REVOKE ALL PRIVILEGES ON PACKAGE p FROM ROLE nobody')).error).to.equal(undefined);
    expect((await cell(s, 'DROP ROLE nobody')).result).to.deep.equal({ acknowledged: true, role: 'nobody', action: 'not_found' });
    expect((await cell(s, 'DROP ROLE auditors')).result).to.deep.equal({ acknowledged: true, role: 'auditors', action: 'dropped' });
    expect((await cell(s, 'SHOW ROLE auditors')).error).to.deep.equal({ ename: 'not_found_error', evalue: 'line 1:1: role auditors does not exist' });
  });

  it('a user without a grant on a granted procedure, function or package is denied at the call', async () => {
    await withStore(async (dir) => {
      const bob = { ESCRIPT_USER: 'bob' };
      expect((await asUser(dir, bob, "PRINT 'x';\nCALL deploy('web');")).error).to.deep.equal({
        ename: 'permission_error',
        evalue: "line 2:1: permission denied: user 'bob' (no roles) may not execute procedure deploy: EXECUTE is granted to role releasers",
      });
      expect((await asUser(dir, bob, 'PRINT 1 + secret_sum(1, 2);')).error?.evalue).to.match(/^line 1:11: permission denied: user 'bob' .* function secret_sum/);
      expect((await asUser(dir, bob, 'CALL vault.peek();')).error?.ename).to.equal('permission_error');
      // nothing granted on it: open to everyone
      expect((await asUser(dir, bob, 'PRINT public_fn();')).lines).to.deep.equal(['open']);
    });
  });

  it('a grant to the user or to one of its roles lets the call through', async () => {
    await withStore(async (dir) => {
      expect((await asUser(dir, { ESCRIPT_USER: 'carl', ESCRIPT_ROLES: 'releasers' }, "CALL deploy('api');")).lines).to.deep.equal(['deploying api']);
      expect((await asUser(dir, { ESCRIPT_USER: 'dana@example.com' }, 'PRINT secret_sum(2, 3);')).lines).to.deep.equal(['5']);
      expect((await asUser(dir, { ESCRIPT_USER: 'kim', ESCRIPT_ROLES: 'keepers' }, 'CALL vault.peek();')).lines).to.deep.equal(['peeked']);
      // the owner (no ESCRIPT_USER) calls everything
      expect((await asUser(dir, {}, "CALL deploy('db');")).lines).to.deep.equal(['deploying db']);
    });
  });

  it("a user's session may not manage roles or grants; a REVOKE by the owner is seen by a running user session", async () => {
    await withStore(async (dir) => {
      const carl = storeSession(dir, { ESCRIPT_USER: 'carl', ESCRIPT_ROLES: 'releasers' });
      const owner = storeSession(dir);
      try {
        const g = await cell(carl, "GRANT EXECUTE ON PROCEDURE deploy TO USER 'carl'");
        expect(g.error).to.deep.equal({ ename: 'permission_error', evalue: "line 1:1: permission denied: GRANT is for the store's owner, not user 'carl'" });
        expect((await cell(carl, 'CREATE ROLE mine')).error?.ename).to.equal('permission_error');
        expect((await cell(carl, "CALL deploy('a');")).lines).to.deep.equal(['deploying a']);
        await cell(owner, 'REVOKE EXECUTE ON PROCEDURE deploy FROM ROLE releasers');
        // no grant left on deploy: open again
        expect((await cell(carl, "CALL deploy('b');")).lines).to.deep.equal(['deploying b']);
        await cell(owner, "GRANT EXECUTE ON PROCEDURE deploy TO USER 'someone'");
        expect((await cell(carl, "CALL deploy('c');")).error?.ename).to.equal('permission_error');
      } finally {
        await carl.shutdown();
        await owner.shutdown();
      }
    });
  });
});
