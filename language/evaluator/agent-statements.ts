// The statements of the reference's intents, skills and profiler pages, dispatched to their modules.
import type * as A from '../ast';
import type { Compiler } from './compile';
import type { BlockScope } from './scope';
import type { StmtFn } from './runtime';
import { Intents } from './intents';
import { Skills } from './skills';
import { ProfileStatements } from './profile-statements';

export class AgentStatements {
  readonly intents: Intents;
  readonly skills: Skills;
  readonly profiles: ProfileStatements;

  constructor(c: Compiler) {
    this.intents = new Intents(c);
    this.skills = new Skills(c);
    this.profiles = new ProfileStatements(c);
  }

  stmt(s: A.AgentStmt, scope: BlockScope): StmtFn {
    switch (s.kind) {
      case 'defineIntent': return this.intents.define(s);
      case 'invokeIntent': return this.intents.invoke(s, scope);
      case 'createSkill': return this.skills.create(s);
      case 'dropSkill': return this.skills.drop(s);
      case 'showSkills': return this.skills.show(s);
      case 'alterSkill': return this.skills.alter(s, scope);
      case 'generateSkill': return this.skills.generate(s, scope);
      case 'runSkill': return this.skills.run(s, scope);
      case 'profileCall': return this.profiles.profileCall(s, scope);
      case 'profiles': return this.profiles.manage(s);
    }
  }
}
