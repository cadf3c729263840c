import { authRouter } from './routers/auth.router.js';
import { router } from './trpc/init.js';

/** Every procedure the server offers. Clients import only its type. */
export const appRouter = router({
  auth: authRouter,
});

export type AppRouter = typeof appRouter;
