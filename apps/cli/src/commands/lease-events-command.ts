import { formatTable } from '../format-table';
import { printJson, writeOutput } from '../write-output';
import { openMarket } from './open-market';

/** The flags of `icl lease events`. */
export interface LeaseEventsCommandOptions {
  on?: string;
  json?: boolean;
}

/** `icl lease events <id>`: what happened to the lease on its provider, oldest first. */
export async function leaseEventsCommand(id: string, options: LeaseEventsCommandOptions): Promise<number> {
  const market = await openMarket(options.on);
  const events = await market.leaseEvents(id);
  if (options.json) {
    await printJson(events);
    return 0;
  }
  await writeOutput(
    process.stdout,
    formatTable(
      ['TIME', 'EVENT', 'MESSAGE'],
      events.map((event) => [event.time, event.type, event.message]),
    ),
  );
  return 0;
}
