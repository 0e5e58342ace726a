import type { AwsClients } from './clients.js';
import type { SendingClient } from './recorder.js';
import { toJsonForm } from './recording.js';

/**
 * The client, except that the same command with the same input is sent once and every later
 * caller shares its answer (or its error). Discovery follows a queue to its consumer with the
 * same calls the queue's specialist then reads, so this keeps one investigation from asking AWS
 * anything twice.
 */
function answerOnce<Client extends SendingClient>(client: Client): Client {
  const answers = new Map<string, Promise<unknown>>();
  const send: SendingClient['send'] = (command, options) => {
    const key = `${command.constructor.name}${JSON.stringify(toJsonForm(command.input))}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = client.send(command, options);
      answers.set(key, answer);
    }
    return answer;
  };
  return new Proxy(client, { get: (target, property, receiver) => (property === 'send' ? send : Reflect.get(target, property, receiver)) });
}

/** The clients of one investigation: each question asked of AWS once. */
export function answeringOnce(aws: AwsClients): AwsClients {
  const clients = Object.entries(aws).map(([key, client]) => [key, typeof client === 'string' ? client : answerOnce(client)]);
  return Object.fromEntries(clients) as AwsClients;
}
