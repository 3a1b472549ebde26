/**
 * The recorder's ffmpeg command line: stream copy (no transcoding), RTSP over UDP or TCP,
 * MP4 segments cut at keyframes (the segment muxer only cuts on a keyframe at or after
 * segment_time), each closed segment announced on stdout, progress on stderr.
 */

export interface RecorderArgs {
  inputUri: string;
  outputDir: string;
  /** File name pattern with %06d for the segment number. */
  pattern: string;
  segmentSeconds: number;
  transport: 'udp' | 'tcp';
  /** RTSP socket timeout before ffmpeg gives up on a dead stream. */
  ioTimeoutSeconds: number;
}

export function recorderArgs(a: RecorderArgs): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-rtsp_transport', a.transport,
    '-timeout', String(Math.round(a.ioTimeoutSeconds * 1_000_000)),
    '-i', a.inputUri,
    '-map', '0:v', '-c', 'copy',
    '-f', 'segment', '-segment_time', String(a.segmentSeconds), '-segment_format', 'mp4', '-reset_timestamps', '1',
    '-segment_list', 'pipe:1', '-segment_list_type', 'csv',
    '-progress', 'pipe:2', '-stats_period', '2',
    `${a.outputDir}/${a.pattern}`,
  ];
}

/** Stream copy of segments into one MP4 (for export): concat demuxer, no re-encode. */
export function concatArgs(listFile: string, output: string): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', listFile, '-c', 'copy', '-movflags', '+faststart', '-y', output];
}
