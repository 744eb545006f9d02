import { loadConfig } from '../config/config';
import { firstTakenPort, takenPortMessage } from '../http/ports';
import { runCommand } from './run';

/**
 * `npm start` asks this before building: a port already taken is said in one line naming its
 * setting, instead of Node's EADDRINUSE stack after a 20 s build (`npm run dev` asks it itself).
 */
runCommand(async () => {
  const taken = await firstTakenPort(loadConfig());
  if (!taken) return 0;
  process.stderr.write(`${takenPortMessage(taken)}\n`);
  return 1;
});
