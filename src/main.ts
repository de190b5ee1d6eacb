import { startService } from './service';

// `npm start`: configuration from the environment (see the README).
void startService().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
