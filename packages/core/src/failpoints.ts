/**
 * Named points between the steps of an operation that must survive a crash at any of them
 * (completing an upload). A fault-injection test arms one to make the operation stop there, as
 * a killed process would; nothing is armed otherwise, and a disarmed point is one Map lookup.
 */
export type FailpointAction = () => void | Promise<void>;

const armed = new Map<string, FailpointAction>();

/** Arms a point; the returned function disarms it. */
export const armFailpoint = (name: string, action: FailpointAction): (() => void) => {
  armed.set(name, action);
  return () => {
    if (armed.get(name) === action) armed.delete(name);
  };
};

export const disarmFailpoints = (): void => armed.clear();

/** Runs the action armed at this point, if any. */
export const failpoint = async (name: string): Promise<void> => {
  const action = armed.get(name);
  if (action) await action();
};
