"""Multilingual media asset pipeline: master spots plus per-language files become rendered variants."""

__version__ = "0.1.0"

# Bumped whenever a change to the render code changes output bytes, so old variants go stale.
RENDER_VERSION = "31"  # 3: conform step; 4: complex shaping, NFC, base direction, frame-exact cue times;
                       # 5: masters, loudness standards; 6: dub and voice-over tracks fade where
                       # padded or cut; 7: shared decodes and x264 threads from the cost model,
                       # title-safe VTT top cues, no <font> in SRT sidecars, 50p into 1080i25,
                       # the loudness range of short programmes; 8: SD masters' BT.601
                       # samples converted to BT.709, and every picture tagged BT.709; 9: the
                       # tags in copied H.264 streams and ProRes frame headers too; 10: burned
                       # colours and the slate's backdrop in BT.709's weights; 11: a master's
                       # sound cut where its picture starts or ends fades in or out; 12: levelling
                       # corrects up to 4 times, never across limiters, keeps the best encode,
                       # Opus's first limiter 1.5 dB under the ceiling, R128 s1 corrected;
                       # 13: XDCAM HD422 in GOPs of 15 at 29.97; AAC under 192 kb/s coded with
                       # ffmpeg's fast coder (render/audio.py); 14: a dub's or mix's subtitle
                       # track switched off in MP4/MOV (media/track_header.py);
                       # records keep each QC warning's template and parameters (`detail`);
                       # 15: an ASS line centred by \pos on its side of the frame (subtitles/ssa.py),
                       # a burned line over max_line_chars broken, the slate's duration in words;
                       # 16: a master's silent or short sound is a QC warning of the variants
                       # that carry it (the file's own "silent" warning then not repeated), and
                       # the default choice among several audio streams is said; 17: an
                       # ASS/SSA file's times on the frames libass shows them on (frames.py);
                       # 18: certificates and plots in the standard's unit (LKFS for A/85), the
                       # target band's label with its unit; records' rules with their units and
                       # sources, a house rule apart from the standard's (standards.verdict);
                       # the loudness-range warning said as the profile's limit; BS.1770-4's
                       # gates named as its, a quiet track against its lowest target;
                       # 19: no timecode track in MP4/MOV of profiles without `timecode:`
                       # (encoders.container_args); a stream flagged interlaced never copied
                       # (conform.master_fits); a slate line shrunk to fit keeps its baseline;
                       # records' input messages in the standard's unit (LKFS under A/85 alone),
                       # master-silent's new text (its Spanish is the new one's);
                       # 20: a cue on no frame left out of the burn, the subtitle track and the
                       # sidecars, no longer stretched onto a frame (frames.FrameGrid.shown);
                       # a TTML region in the lower third ends its text at the region's bottom
                       # (ttml_layout.py), whatever its displayAlign;
                       # 21: a TTML file in media time read from the start of programme it
                       # gives, not its master's timecode (subtitles/programme_start.py);
                       # 22: certificates list the profile's loudness-range limit beside the
                       # standard's rules, advisory (standards.range_checks); records keep it
                       # among their checks, so a certificate written again from one has it;
                       # 23: records give what the limiter took (limiter_peak_cut_db,
                       # limiter_loudness_cut_lu) and warn of more than 2 LU ('limited'); the
                       # sound's QC warnings at the file they are made from; an ASS style in
                       # the campaign's look no longer warned of; cues used in time order;
                       # 24: a SubRip, WebVTT or media-time TTML file timed to its master's
                       # timecode read from that timecode as a clock time, not its frames
                       # (23.976 fps: 3.6 s an hour; subtitles/master_timecode.py);
                       # 25: a variable-rate master whose base rate ffprobe gives as its
                       # timescale (90000/1) or below its average made constant at its fastest
                       # stretch's rate read from its frames' times (30, not 120 or 15:
                       # media/frame_times.py); its `constant_rate` setting moves with it;
                       # 26: the clock number inside every audio-only file: bext Description
                       # and OriginatorReference, WAV INFO comment, ID3 TXXX:CLOCK and COMM,
                       # Vorbis CLOCK and DESCRIPTION, an M4A's comment (media/audio_tags.py);
                       # a WAV's LIST INFO texts in ISO-8859-1, not UTF-8 (write_info_latin1)
                       # 27: a Broadcast WAV's AES46 `cart` chunk before its samples, CutID the
                       # clock number (media/cart_chunk.py); 28: its Title keeps the
                       # language's name whole, the spot's title shortened (audio_only.cart_title)
                       # 29: a dub's, voice-over's or bed's silent side taken from the other,
                       # centred, and sides 10 dB or more apart said (defects.Defects.sides)
                       # 30: a left or right cue of a WebVTT sidecar given position: and size:,
                       # inside title-safe where the TTML region is (vtt.cue_settings)
                       # 31: a levelled track's frames timed by their samples after resampling
                       # (leveling.level): a 44.1 kHz dub's AAC track stepped 1023/1025; a
                       # line's leading combining marks put back on the letter before its break;
                       # the slate's rows "Title" and "Date (UTC)", Spanish "Doblaje"; a
                       # file's clock number comment and bext Description in the page's language;
                       # a title whose language's name holds parentheses after a dot (titled);
                       # an SRT sidecar's {\anN} the third its cue shows in (srt.as_placed)
