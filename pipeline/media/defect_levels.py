"""The levels, lengths and bands at which a delivered track's defects are found (defects.py), each
with its source: DC offset, clipping and dead air, which a meter of loudness does not see.

They are read from the 100 ms blocks that `sound_analysis.analyse_sound` already cuts a delivered
track into (`astats`, reset every block: astats.py's graphs and parsing), so finding them
costs no decode and no process of its own: per channel of the stereo downmix, each block's
mean (DC), lowest and highest sample,
and the count and flatness of the samples at its extremes (`Peak_count`, `Flat_factor`). A
track of more than two channels is also read per channel before the downmix (`channel_stats`),
for clipping only: the downmix takes a centre or a surround at -3 dB and adds the others, so a
clipped channel's flat tops no longer reach full scale there (a clipped centre under quiet
fronts peaked at 0.78 of it) and were missed.

- DC offset: the mean of every sample. A constant offset is no sound at all, but it is a step
  where the track starts or is cut (a click), eats headroom, and upsets limiters and the
  transmitter's own processing. AES17 measures a converter's DC offset as the mean of its
  output, in dB relative to full scale (dBFS); so does this.
- Clipping: samples held at full scale in runs. A converter or a plug-in that runs out of
  range holds the rail for several samples; a recording that merely reaches 0 dBFS touches it
  for one or two. The classic "over" indicator of digital meters counts 3 consecutive samples at
  full scale; AES17 defines full scale as the largest positive sample.
- Clipping under a lossy codec (AAC, MP3, Opus, Vorbis, AMR...: `LOSSY`): the codec keeps no
  flat top, its decode rings above and below full scale, so no run is found. What it keeps is
  where the clipped sound sits: a clipped recording spends a large share of its loud blocks
  near full scale (`near_full_scale`), where a clean one, even normalised to 0 dBFS, or a
  limited master only touches it at their peaks (LOSSY_LEVEL, LOSSY_SHARE, LOSSY_BLOCKS).
- Dead air: a block is silent when the swing of every channel (half its peak-to-peak, which a
  DC offset does not change) stays under SILENCE_LEVEL.
- Sound in the LFE channel above its band: the LFE carries only what lies under 120 Hz (ITU-R
  BS.775-3; Dolby's and SMPTE's deliveries band-limit it there), and a stereo downmix leaves it
  out. A voice or a main channel routed to it by a wrong channel order is lost in every stereo
  variant. It is read on the LFE alone, high-passed an octave above its band (`lfe_band`), and
  compared with the loudest main channel's level (each channel's RMS, from `channel_stats`).
- A centre far under the other main channels: film and TV mixes carry the voice on the centre
  (ITU-R BS.775-3's L R C LFE Ls Rs). A wrong channel order that moves the voice to a front or a
  surround leaves the centre silent or holding another stem, and the downmix puts the voice on
  one side (a surround's 3 dB down). Read from the same blocks' per-channel RMS, gated (`gated`).
- Mains hum: a steady tone at the mains frequency (50 Hz, or 60 Hz as in Mexico) that a
  recording picks up from power cables, dimmers or a ground loop; a meter of loudness hardly
  weighs it (K-weighting), and it sounds in every pause. Read on the downmix through narrow
  band-passes at both frequencies (MAINS, MAINS_Q), second by second (`mains_bands`).
- One side silent: a mono recording stored on one track of a stereo file (or on one front of a
  5.1 whose centre is empty), which the downmix carries on one side only, or beside a side
  holding only a steady noise (STEADY_UNDER); or both sides sounding but far apart. Read from
  the same gated levels (ONE_SIDED, SIDES_APART) and their blocks' spread (STEADY_SPREAD).
"""

# Codecs whose decode has no flat tops to find (ffmpeg's decoder names, as the probe gives
# them), and how a message names them: clipping is read there by LOSSY_LEVEL and LOSSY_SHARE.
# Any other (PCM, FLAC, ALAC, WavPack...) keeps the samples as recorded: CLIP_LEVEL, CLIP_RUN.
LOSSY = {"aac": "AAC", "mp3": "MP3", "mp2": "MP2", "opus": "Opus", "vorbis": "Vorbis",
         "ac3": "AC-3", "eac3": "E-AC-3", "amr_nb": "AMR-NB", "amr_wb": "AMR-WB",
         "wmav1": "WMA", "wmav2": "WMA", "wmapro": "WMA Pro", "dts": "DTS", "speex": "Speex",
         "gsm": "GSM", "gsm_ms": "GSM", "qcelp": "QCELP", "evrc": "EVRC"}
# A block is clipped when one channel's extreme is within CLIP_LEVEL of full scale and the
# samples at that extreme form runs of CLIP_RUN samples on average (astats' flat factor is the
# mean run length, weighted by length, in dB). A clean recording normalised to 0 dBFS: 1-2
# samples at its peak and a flat factor of 0 dB (espeak-ng's voice: -0.05 dBFS, 2 samples).
CLIP_LEVEL = -0.1              # dBFS
CLIP_RUN = 3                   # samples
# A recording clipped, then lowered (normalised to -1 dBFS, as an audio editor's Normalize does
# by default) keeps its flat tops under full scale, all at one level: its own peak. A mono or
# stereo track is clipped there when PLATEAU_BLOCKS blocks or more of one channel have runs
# (CLIP_RUN) at exactly that channel's peak, and their levels (RMS) spread over PLATEAU_SPREAD
# dB or more: a steady tone's blocks (a 60 Hz tone in 16 bits repeats its top samples) peak
# at one level too, at one RMS. Measured on espeak-ng speech clipped by +14 dB (16 bits), then
# lowered by 1 dB (16 bits) and 3 dB (24 bits): 67 of its 104 blocks, all at its peak; the
# same speech clean, normalised or brickwall-limited to -1 dBFS: no block with runs; 60 Hz and
# 40 Hz tones in 16 bits: every block, at one RMS; speech over a 55 Hz tone: 14 blocks, at
# one RMS and under the track's peak.
PLATEAU_BLOCKS = 3
PLATEAU_SPREAD = 3.0           # dB
# Decoded from a lossy codec, a block is clipped when LOSSY_SHARE or more of one channel's
# samples are at or above LOSSY_LEVEL (either polarity), and a track when LOSSY_BLOCKS blocks
# or more are. Measured on espeak-ng speech (3 voices), speech over a music-like bed and two
# music-like signals (a chord with noise; kicks, a saw bass and hats), each hard-clipped by +3,
# +6, +12 and +24 dB, or normalised clean to 0 dBFS and to -1 dBTP, or limited (+12 to +24 dB
# into a look-ahead brickwall limiter, or into ffmpeg's alimiter, at -1 or -0.1 dBFS), then
# encoded by ffmpeg to AAC 32k/64k/128k mono and stereo at 44.1/48 kHz, MP3 64k/128k (LAME),
# Opus 64k/128k and Vorbis 96k: 630 files. The share in each file's third highest block:
#   clipped by +12 or +24 dB: 7.6 % or more (the least: speech +12 dB, AAC 64k stereo 44.1 kHz)
#   clean at 0 dBFS or -1 dBTP, or limited to -1 dBFS: 2.3 % at most (a chord at 0 dBFS, Opus)
#   speech (alone or over a bed) brickwall-limited to -0.1 dBFS: 5.3 % at most (Opus 128k)
#   the trial's phone recording (+24 dB, AAC mono 48 kHz): 16.0 %; its clean siblings: 0.5 %
# The rule finds all 91 clipped by +12 or +24 dB (the trial's included), none of the 190 clean
# or limited to -1 dBFS (the trial's 10 clean deliveries included) and none of the 105
# brickwall-limited speech files; clipped by +6 dB, 25 of 45 (missed in every codec: the
# Spanish voice, 1,007 samples held at full scale in its 7 s WAV, 2.2 to 3.7 % in the decode);
# by +3 dB, 9. Limited to -0.1 dBFS, dense music-like signals reach it: 3 of 30
# brickwall-limited, 20 of 30 through alimiter, which holds samples at its ceiling (speech
# through it: 6 of 105, up to 8.9 %); such a master's decode goes over full scale in a lossy
# delivery anyway. The codec rounds a clipped plateau into a hump from -1.5 to +1 dBFS (MP3
# 128k: -0.75 to -0.25 dBFS), so a level nearer full scale told clean from clipped less well
# (at -0.25 dBFS they overlapped); nor did the decoded peak (limited to -1 dBFS: up to +3.5
# dBFS in AAC 64k; clipped speech in MP3: +0.5) or the crest factor (limited music 5 dB,
# clipped speech 10 dB).
LOSSY_LEVEL = -1.0             # dBFS
LOSSY_SHARE = 0.06             # of a block's samples in one channel
LOSSY_BLOCKS = 3
# Under SILENCE_LEVEL every channel is silence: the dead-air floor (room tone of a usable
# recording, EBU Tech 3276, sits around -70 dBFS; speech's pauses keep their breaths above it).
SILENCE_LEVEL = -60.0          # dBFS
# A track's offset is also read in its pauses: its blocks whose swing is under PAUSE_LEVEL, when
# it has PAUSES of them or more. A converter's offset is there as everywhere; the mean that
# clipping gives a waveform whose tops it cuts more on one side than on the other is not: the
# trial's phone take (espeak-ng's voice clipped by +24 dB, AAC) has a mean of -43.9 dBFS and
# none in its 16 pauses; the same voice clipped, with 0.02 of offset added, -30.9 dBFS over the
# whole track and -34.0 (the 0.02) in its pauses. Noise at that level averages out in a block:
# -40 dBFS of it over 4,800 samples leaves a mean near -80 dBFS.
PAUSE_LEVEL = -40.0            # dBFS
PAUSES = 3                     # blocks
# The LFE is read above LFE_BAND, an octave over its 120 Hz limit, through two second-order
# high-passes (24 dB an octave): a band-limited LFE at its usual level (10 dB or more under the
# mains) leaves there 40 dB or more under the loudest main channel, a voice routed to it about
# its own level. Sound there is said when within LFE_MARGIN of that channel and over LFE_FLOOR.
LFE_BAND = 240                 # Hz
LFE_MARGIN = 20.0              # dB
LFE_FLOOR = -60.0              # dBFS
# A channel's level where it sounds (`_gated_level`): the RMS of its blocks that ITU-R
# BS.1770-4's gates keep, applied to each channel (over GATE_ABSOLUTE, and no more than
# GATE_RELATIVE under the mean of those). A voice heard for a few seconds of a spot is then read
# at its speaking level, as steady music is at its own, not diluted by its pauses. Measured on
# tests/test_loudness.py's copy of a user's master (a voice on the front right alone for 5 s of
# 12 s, steady tones in the other fronts): 15.3 dB between the voice and the centre's tone over
# the whole track, 19.9 dB gated.
GATE_ABSOLUTE = -70.0          # dBFS
GATE_RELATIVE = -10.0          # dB
# The centre is said to be missing when CENTRE_MARGIN or more under the loudest other main
# channel (gated), that one over SILENCE_LEVEL. A mix anchors its voice in the centre and keeps
# music and effects under it while it speaks; between its lines, a spot held to EBU R128 s1
# (short-term loudness at most 5 LU over its -23 LUFS programme) has no room for music more than
# a few dB over the voice, so a correct mix stays some 10 dB inside the margin. A voice moved off
# the centre leaves it silent or holding another stem (that master's tone: 19.9 dB under).
CENTRE_MARGIN = 15.0           # dB
# Front left and right within this of each other, with nothing in the centre, are a phantom
# centre: a stereo mix carried in a 5.1 (a studio's dub exported so), whose voice the downmix
# puts in the middle as it was heard. Not a wrong order, so not said.
PHANTOM_CENTRE = 3.0           # dB
# A stereo pair (a two-channel track's sides, or the front left and right of a 5.1) is one-sided
# when one side carries the sound, over SILENCE_LEVEL where it sounds (gated), and the other
# none: no block over GATE_ABSOLUTE, or ONE_SIDED or more under it. That is a mono recording
# stored on one track (a mono microphone recorded onto track 1 of a stereo session: the trial's
# dub had its right channel all zeros), which the downmix would carry on one side only, 3 dB
# hotter there than centred, and a station summing to mono 6 dB down. The gated levels read a
# voice where it speaks, at -20 to -30 dBFS; 40 dB under it is the noise floor of a usable
# recording (SILENCE_LEVEL; EBU Tech 3276's room tone, -70 dBFS): what such a side holds is
# the hiss of an input nobody plugged in, or a far microphone's bleed, never part of the
# programme, and a stereo mix never puts its whole sound so far to one side. Its other side
# is used on both (`Defects.silent_side`). Both sides sounding but SIDES_APART or
# more apart (audio_streams.STEMS_APART's figure, for the same reason: a stereo mix's balance
# stays near the centre) may be a pan someone wanted: said, not changed. Not when a channel
# the downmix shares between the sides (a centre) carries sound within ONE_SIDED of the louder
# front: the downmix has it in the middle, where a 5.1 keeps its voice, whatever its fronts.
# Mains hum: each mains frequency's band (two band-passes of Q MAINS_Q, 6 Hz wide each, some 4
# Hz together; the other mains frequency 11.6 dB down through each, 23 dB through both) read in
# blocks of MAINS_BLOCK; its floor, the 10th
# percentile of its blocks not digitally silent (MAINS_SILENT), is where it sounds in every
# second, pauses too. Speech has next to nothing there (a man's voice starts near 85 Hz): a
# clean recording's floor sits 60 dB or more under its loudness; a music bed's bass moves, and
# its floor falls with its notes. Hum is said when its floor is within HUM_UNDER of the
# track's integrated loudness and MAINS_TONAL over the other frequency's (a tone, not a
# rumble): 40 dB under a voice levelled to -23 LUFS, a 60 Hz hum at -63 dBFS is at the edge of
# hearing on monitors; a radio trial's dub carried one 20 dB under its voice, certified
# "Cumple EBU R128" and unsaid.
MAINS = (50, 60)               # Hz
MAINS_Q = 10
MAINS_BLOCK = 1.0              # seconds
MAINS_SILENT = -100.0          # dBFS
MAINS_TONAL = 10.0             # dB
HUM_UNDER = 40.0               # dB
ONE_SIDED = 40.0               # dB
SIDES_APART = 10.0             # dB
# A side whose level holds steady where it sounds (its 100 ms blocks' RMS within STEADY_SPREAD
# dB, 10th to 90th percentile, over STEADY_BLOCKS blocks or more) beside a side whose level
# moves is no part of the programme: an unplugged input's hiss or a hum. White noise's blocks
# at 48 kHz spread 0.3 dB, pink noise's 1-2 dB, a hum or a tone's none; speech spreads 15-30
# dB, a spot's music 6 dB or more. STEADY_UNDER or more under the other, such a side is
# one-sided as a silent one is (a radio trial's interface, its second input's hiss at -55
# dBFS beside a voice at -25 gated: the variants carried the hiss on one side and the voice
# on the other, -29 LUFS summed to mono). Nearer, it may be a bed someone panned: said apart.
STEADY_SPREAD = 6.0            # dB
STEADY_BLOCKS = 10             # one second
STEADY_UNDER = 20.0            # dB
# The channel the downmix shares between its sides, and each front's other side.
SHARED = ("FC", "BC")
OTHER_SIDE = {"FL": "FR", "FR": "FL"}
