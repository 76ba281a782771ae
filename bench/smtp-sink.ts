// A local SMTP server for the send benchmark, in its own process so it does not steal the
// worker's CPU. Accepts everything and reports its port over IPC.
import { SMTPServer } from 'smtp-server';

let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      received++;
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.server.address() as { port: number }).port });
});
process.on('message', (m: string) => {
  if (m === 'count') process.send?.({ received });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
