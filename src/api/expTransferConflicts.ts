import { DvdError } from '../core/errors.js';

/** An experiment's ref on one side of a transfer. */
export interface ExpRefAt {
  name: string;
  ref: string;
  commit: string;
}

export interface TransferPlan {
  /** Refs to move: the other side lacks them or (with force) has another commit. */
  move: ExpRefAt[];
  /** Already there with the same commit: nothing to do. */
  same: ExpRefAt[];
  /** Refs of the same names on the receiving side under another ref (another baseline, or queued), which `force` deletes: names are unique. */
  drop: ExpRefAt[];
}

const short = (oid: string) => oid.slice(0, 12);

/**
 * What moving `incoming` experiments to a side holding `existing` ones does. Refs in
 * refs/exps have no reflog, so a replaced commit is lost: an experiment of the same name
 * there with another commit (same ref, or the name on another baseline, names being
 * unique across baselines) is a conflict. Conflicts throw EEXISTS naming each experiment
 * and both commits, unless `force` (DVC's `exp push/pull -f`): then the incoming commit
 * replaces it and other refs of that name are dropped. Two incoming experiments of one
 * name are refused even with force (which one would be meant?).
 * `from` and `to`: the sending and receiving sides as the message says them (`here`,
 * `on origin`).
 */
export function planTransfer(incoming: ExpRefAt[], existing: ExpRefAt[], o: { force?: boolean; verb: 'push' | 'pull'; from: string; to: string }): TransferPlan {
  const plan: TransferPlan = { move: [], same: [], drop: [] };
  const conflicts: string[] = [];
  for (const e of incoming) {
    const twins = incoming.filter((x) => x.name === e.name);
    if (twins.length > 1) {
      throw new DvdError('EAMBIGUOUS', `${twins.length} experiments are called ${e.name} (${twins.map((x) => short(x.commit)).join(', ')}); ${o.verb} one by its ref`, { hint: twins.map((x) => x.ref).join(', ') });
    }
    const there = existing.filter((x) => x.name === e.name);
    if (there.some((x) => x.ref === e.ref && x.commit === e.commit) && there.length === 1) {
      plan.same.push(e);
      continue;
    }
    const other = there.filter((x) => !(x.ref === e.ref && x.commit === e.commit));
    if (other.length && !o.force) {
      conflicts.push(`experiment ${e.name} is ${o.to} at ${other.map((x) => `${short(x.commit)}${x.ref === e.ref ? '' : ` (${x.ref})`}`).join(', ')}; ${o.from} it is ${short(e.commit)}${other.some((x) => x.ref !== e.ref) ? ` (${e.ref})` : ''}`);
      continue;
    }
    plan.move.push(e);
    plan.drop.push(...there.filter((x) => x.ref !== e.ref));
  }
  if (conflicts.length) {
    throw new DvdError('EEXISTS', `${conflicts.join('; ')}: ${o.verb === 'push' ? 'pushing' : 'pulling'} would replace ${conflicts.length === 1 ? 'it' : 'them'} (refs/exps keeps no reflog)`, {
      hint:
        o.verb === 'push'
          ? `dvd exp push -f replaces ${conflicts.length === 1 ? 'it' : 'them'} ${o.to}; to keep both, run yours again under another -n`
          : `dvd exp pull -f replaces ${conflicts.length === 1 ? 'it' : 'them'} here; keep yours as a branch first if you want it (dvd exp branch NAME BRANCH)`,
    });
  }
  return plan;
}
