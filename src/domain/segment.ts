/** One closed footage segment as the recorder reports it and the footage index stores it. */
export interface RecordedSegment {
  cameraId: string;
  /** Epoch ms on the daemon's clock. */
  startAt: number;
  endAt: number;
  path: string;
  bytes: number;
  sha256: string;
  /** The camera's measured clock skew (camera minus daemon) when the segment closed: flags footage whose own times are off. */
  skewMs: number;
}
