/**
 * The recorder's ffmpeg command line: stream copy (no transcoding), RTSP over UDP or TCP,
 * fragmented MP4 segments cut at keyframes (the segment muxer only cuts on a keyframe at or
 * after segment_time), each closed segment announced on stdout, errors only on stderr, and
 * progress reports written to a file that the recorder reads when it checks for a stall
 * (not to a pipe: a pipe would wake the daemon for every report of every camera).
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
  /** Where ffmpeg appends its -progress reports, every progressSeconds. */
  progressFile: string;
  progressSeconds: number;
}

/**
 * Fragmented MP4, one fragment per keyframe, flushed to disk as each one is written: a plain MP4
 * gets its moov only when the segment closes, so an ffmpeg killed or crashed mid-segment would
 * leave a file nothing can play (up to a whole segment lost, around the incident that matters).
 * Fragmented, the open file plays up to its last complete fragment (about one GOP before the
 * kill); closed segments stay ordinary playable MP4s. flush_packets must be a muxer option of
 * the segment's inner mp4 muxer: a top-level -flush_packets reaches only the segment muxer.
 * Measured with ffmpeg 5.1 (Debian 12).
 */
export const SEGMENT_FORMAT_OPTIONS = 'movflags=+frag_keyframe+empty_moov+default_base_moof:flush_packets=1';

export function recorderArgs(a: RecorderArgs): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-rtsp_transport', a.transport,
    '-timeout', String(Math.round(a.ioTimeoutSeconds * 1_000_000)),
    '-i', a.inputUri,
    '-map', '0:v', '-c', 'copy',
    '-f', 'segment', '-segment_time', String(a.segmentSeconds), '-segment_format', 'mp4',
    '-segment_format_options', SEGMENT_FORMAT_OPTIONS, '-reset_timestamps', '1',
    '-segment_list', 'pipe:1', '-segment_list_type', 'csv',
    '-progress', a.progressFile, '-stats_period', String(a.progressSeconds),
    `${a.outputDir}/${a.pattern}`,
  ];
}

/** Stream copy of segments into one MP4 (for export): concat demuxer, no re-encode. */
export function concatArgs(listFile: string, output: string): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', listFile, '-c', 'copy', '-movflags', '+faststart', '-y', output];
}
