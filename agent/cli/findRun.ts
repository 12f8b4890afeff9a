// Why: `status` and `report` act on one run: the one named by --run, else the newest on this
// host. A run that is not there is UPGRADE_NOT_FOUND with what was looked at, never a guess.
import { existsSync } from 'node:fs';
import { SeamlessError } from '../../shared/errors';
import { listUpgrades } from '../upgrade/journal';
import { journalPath, UPGRADES_DIR } from '../upgrade/paths';

export function findRun(run: string | null): string {
  if (run !== null) {
    if (!existsSync(journalPath(run)))
      throw new SeamlessError('UPGRADE_NOT_FOUND', `No run ${run} on this host.`, { evidence: `${journalPath(run)} does not exist` });
    return run;
  }
  const newest = listUpgrades()[0];
  if (!newest)
    throw new SeamlessError('UPGRADE_NOT_FOUND', 'No upgrade has run on this host.', {
      evidence: `no journal in ${UPGRADES_DIR}`,
    });
  return newest.id;
}
