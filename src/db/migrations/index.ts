import { InitialSchema1764300000000 } from './1764300000000-initial-schema';

/** Every migration, oldest first. Listed by hand so that the compiled server needs no glob. */
export const migrations = [InitialSchema1764300000000];
