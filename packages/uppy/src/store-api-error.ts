/** An error the API answered: its status and the store's error code (`part_checksum_required`, ...). */
export class StoreApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "StoreApiError";
  }
}
