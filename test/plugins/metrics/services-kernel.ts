/** A kernel over the services plugin's test harness (auth with sessions, services of every lifetime), with more plugins. */
import { createKernel, type Kernel, type PluginEntry } from '../../../core/index.js';
import { auth, basic, session, type AuthOptions } from '../../../plugins/auth/index.js';
import { services } from '../../../plugins/services/index.js';
import { calc, calcErrors, contract, hitService, LIFETIME_SERVICES, newJournal, users } from '../services/harness.js';

export { bearerOf, post, basicOf } from '../services/harness.js';

export function servicesKernelWith(plugins: PluginEntry[], paths: Record<string, Record<string, unknown>> = {}, authOptions: Partial<AuthOptions> = {}): Promise<Kernel> {
  const journal = newJournal();
  return createKernel({
    contract: contract(paths) as never,
    contractCache: false,
    logger: { level: 'silent' },
    plugins: [
      auth({ schemes: { basicAuth: basic(), bearerAuth: session() }, users: users(), password: { N: 2 ** 10 }, admin: false, ...authOptions }),
      services({ services: [...Object.entries(LIFETIME_SERVICES).map(([name, lifetime]) => hitService(name, lifetime, journal)), calc], errors: [calcErrors] }),
      ...plugins,
    ],
  });
}
