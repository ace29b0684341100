"""The conform step's rules, on their own: geometry, downmix, scan decision, copy path, the
manifest's `audio:` and `crop:` keys, and what the plan decides for masters as they arrive.

Renders of real-world masters, measured from the outputs, are in test_conform_picture.py and
test_conform_sound.py.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import ffmpeg
import pytest

from pipeline.errors import PipelineError, ValidationError
from pipeline.manifest import load_manifest
from pipeline.media.audio_layout import pan_expression
from pipeline.media.audio_streams import AudioChoice, choose_streams
from pipeline.media.colour import Remap, conversion, remap, source_matrix, unconverted
from pipeline.media.conform import Master, examine, master_fits, master_picture, master_sound
from pipeline.media.geometry import Crop, Geometry, geometry_of, placement, upscaled_from
from pipeline.media.probe import MediaInfo, Stream, _stream, probe
from pipeline.media.scan import FieldCounts, ScanDecision, decide
from pipeline.media.timecode import constant_rate
from pipeline.profiles import BUILTIN_PROFILES, Profile
from tests.conformmedia import progressive_coded_interlaced_master
from tests.mediacheck import FFMPEG, field_counts

WEB = BUILTIN_PROFILES["web"]
SMALL = Profile("small", 320, 180)



@pytest.fixture(autouse=True)
def _made_up_masters_sample_progressive(monkeypatch):
    """A MediaInfo made up by a test has no file for `idet` to sample: its sample reads as
    progressive frames. Masters that exist are sampled for real."""
    from pipeline.media import conform
    from pipeline.media.scan import SAMPLE_FRAMES, FieldCounts

    real = conform.detect_fields
    monkeypatch.setattr(conform, "detect_fields", lambda info: real(info) if Path(info.path).exists()
                        else FieldCounts(0, 0, SAMPLE_FRAMES, 0))


def video(**fields) -> Stream:
    base = dict(index=0, kind="video", codec="h264", width=1920, height=1080, fps=25.0,
                pix_fmt="yuv420p", profile="High", level=40, sar="1:1", field_order="progressive",
                start_time=0.0, duration=4.0)
    return Stream(**(base | fields))


def audio(index: int, channels: int = 2, layout: str | None = "stereo", start: float = 0.0) -> Stream:
    return Stream(index=index, kind="audio", codec="aac", channels=channels, channel_layout=layout,
                  sample_rate=48000, start_time=start, duration=4.0)


def info(*streams: Stream) -> MediaInfo:
    return MediaInfo(Path("/m/master.mov"), 4.0, "mov", streams)


# --- geometry -------------------------------------------------------------------------------

@pytest.mark.parametrize("sar,size,profile,expected", [
    ("10:11", (720, 480), SMALL, (246, 180)),       # NTSC 4:3: 654.5x480 shown, pillarboxed
    ("64:45", (720, 576), SMALL, (320, 180)),       # PAL 16:9: 1024x576 shown, fills the frame
    ("16:15", (720, 576), SMALL, (240, 180)),       # PAL 4:3
    ("1:1", (1920, 1080), WEB, (1920, 1080)),
    ("4:3", (1440, 1080), WEB, (1920, 1080)),       # HDV
])
def test_pictures_are_sized_by_their_display_shape(sar, size, profile, expected):
    place = placement(geometry_of(video(width=size[0], height=size[1], sar=sar)), profile)
    assert (place.width, place.height) == expected


def test_a_quarter_turn_swaps_the_frame_and_inverts_the_pixel_shape():
    phone = geometry_of(video(width=1920, height=1080, rotation=90))
    assert (phone.width, phone.height, phone.rotation) == (1080, 1920, 90)
    assert (placement(phone, WEB).width, placement(phone, WEB).height) == (608, 1080)
    assert geometry_of(video(rotation=270)).rotation == 270
    assert geometry_of(video(rotation=180)).width == 1920
    anamorphic = geometry_of(video(width=720, height=480, sar="10:11", rotation=90))
    assert anamorphic.sar == Fraction(11, 10) and anamorphic.display_aspect == Fraction(480 * 11, 7200)


def test_crop_keeps_the_active_picture_and_must_fit():
    letterboxed = geometry_of(video(), Crop(1440, 1080, 240, 0))     # 4:3 inside 16:9
    assert letterboxed.display_aspect == Fraction(4, 3)
    assert (placement(letterboxed, WEB).width, placement(letterboxed, WEB).height) == (1440, 1080)
    with pytest.raises(PipelineError, match="does not fit"):
        geometry_of(video(), Crop(1920, 1080, 10, 0))


def test_fit_filters_only_what_needs_doing():
    square = examine(info(video(), audio(1)))
    args = " ".join(ffmpeg.compile(master_picture("m.mp4", square, WEB).output("o.mp4")))
    assert "scale" not in args and "pad" not in args and "bwdif" not in args
    assert "setsar=1" in args and "setpts=PTS-STARTPTS" in args
    ntsc = examine(info(video(width=720, height=480, sar="10:11"), audio(1)))
    args = " ".join(ffmpeg.compile(master_picture("m.mp4", ntsc, SMALL).output("o.mp4")))
    assert "scale=246:180:in_color_matrix=bt601:out_color_matrix=bt709" in args
    assert "pad=320:180" in args
    # A BT.601 master already in the profile's frame still gets its samples converted.
    sd = examine(info(video(width=320, height=180, color_space="smpte170m"), audio(1)))
    args = " ".join(ffmpeg.compile(master_picture("m.mp4", sd, SMALL).output("o.mp4")))
    assert "scale=320:180:in_color_matrix=bt601:out_color_matrix=bt709" in args


# --- colour ---------------------------------------------------------------------------------

def test_the_matrix_is_the_tag_else_bt601_only_on_sd_broadcast_rasters():
    assert source_matrix(video()) == "bt709"
    assert source_matrix(video(width=720, height=576)) == "bt601"
    assert source_matrix(video(width=704, height=480)) == "bt601"
    assert source_matrix(video(width=640, height=360)) == "bt709"       # web video, untagged
    assert source_matrix(video(width=720, height=576, color_space="bt709")) == "bt709"
    assert source_matrix(video(color_space="bt470bg")) == "bt601"
    assert conversion(video()) == {}
    assert unconverted(video(color_space="bt709", color_transfer="bt709")) is None
    assert unconverted(video(color_space="unknown")) is None
    # What nothing converts is still named: another curve, another matrix.
    assert "log100" in str(unconverted(video(color_transfer="log100")))
    assert "ycgco" in str(unconverted(video(color_space="ycgco")))


def test_hdr_and_bt2020_masters_are_remapped_to_bt709_sdr_and_no_longer_warned_of():
    # A phone's HDR video and a BT.2020 SDR master: converted (media/colour.py), not warned of.
    hlg = video(color_space="bt2020nc", color_transfer="arib-std-b67", color_primaries="bt2020")
    assert remap(hlg) == Remap("bt2020", "arib-std-b67", "bt2020nc", "hlg")
    assert unconverted(hlg) is None and conversion(hlg) == {} and source_matrix(hlg) == "bt2020"
    # Untagged primaries and matrix of an HDR curve are BT.2020's (BT.2100).
    assert remap(video(color_transfer="smpte2084")) == Remap("bt2020", "smpte2084", "bt2020nc", "pq")
    sdr = video(color_space="bt2020nc", color_transfer="bt2020-10", color_primaries="bt2020")
    assert remap(sdr) == Remap("bt2020", "bt2020-10", "bt2020nc", None)
    assert remap(video(color_space="bt2020nc")).transfer == "bt709"
    assert unconverted(sdr) is None
    assert remap(video()) is None and remap(video(color_space="smpte170m")) is None
    assert remap(video(color_space="bt709", color_transfer="bt709", color_primaries="bt709")) is None


def test_an_hdr_master_s_graph_tone_maps_it_in_linear_light_after_scaling():
    hlg = examine(info(video(width=640, height=360, color_space="bt2020nc",
                             color_transfer="arib-std-b67", color_primaries="bt2020"), audio(1)))
    args = " ".join(ffmpeg.compile(master_picture("m.mp4", hlg, SMALL).output("o.mp4")))
    chain = ["scale=320:180", "zscale=matrixin=bt2020nc:npl=203.0:primaries=bt709:"
             "primariesin=bt2020:transfer=linear:transferin=arib-std-b67", "format=gbrpf32le",
             "tonemap=desat=0:param=0.5:peak=4.9261:tonemap=mobius",
             "zscale=dither=ordered:matrix=bt709:primaries=bt709:range=tv:transfer=bt709",
             "format=yuv420p", "setparams=color_primaries=bt709"]
    at = [args.find(step) for step in chain]
    assert -1 not in at and at == sorted(at), (at, args)
    assert "in_color_matrix" not in args
    assert hlg.picture_settings["colour"]["tone_map"] == "mobius"
    assert "tone-mapped to BT.709 SDR" in hlg.summary()
    # A BT.709 master's settings are as they were: its variants keep their fingerprints.
    assert "colour" not in examine(info(video(), audio(1))).picture_settings


# --- scan -----------------------------------------------------------------------------------

def test_scan_follows_a_clear_sample_and_the_flag_otherwise():
    tt = video(field_order="tt")
    assert decide(video(), None) == ScanDecision("progressive", "flag")
    assert decide(tt, FieldCounts(50, 0, 0, 0)).scan == "tff"
    assert decide(tt, FieldCounts(0, 40, 3, 7)).scan == "bff"          # the flag was wrong
    assert decide(tt, FieldCounts(0, 0, 50, 0)).scan == "progressive"  # PsF flagged interlaced
    assert decide(tt, FieldCounts(1, 0, 1, 48)).scan == "tff"          # still picture: the flag
    assert decide(video(field_order=None), FieldCounts(1, 0, 1, 48)).scan == "progressive"
    # TB and BT as ffmpeg's encoders and MOV write them, and as MXF's demuxer means them.
    assert decide(video(field_order="bt"), FieldCounts(0, 0, 0, 50)).scan == "bff"
    assert decide(video(field_order="tb"), FieldCounts(0, 0, 0, 50)).scan == "tff"
    assert decide(video(field_order="bt"), FieldCounts(0, 0, 0, 50), "mxf").scan == "tff"
    assert decide(video(field_order="tb"), FieldCounts(0, 0, 0, 50), "mxf").scan == "bff"
    # Both orders in one sample: no field order to trust but the flag's.
    assert decide(tt, FieldCounts(26, 37, 13, 0)) == ScanDecision(
        "tff", "idet unclear, flag", FieldCounts(26, 37, 13, 0))
    assert decide(video(field_order=None), FieldCounts(26, 37, 13, 0)).scan == "progressive"


def test_a_flag_s_field_order_falls_only_to_the_other_order_in_nearly_every_frame():
    tt = video(field_order="tt")
    # A progressive test card coded TFF, sampled from 1.5 s: BFF won the sample, not the file
    # (76 TFF, 41 BFF, 33 progressive), and the plan did not say it went against the flag.
    assert decide(tt, FieldCounts(14, 40, 22, 0)) == ScanDecision(
        "tff", "idet unclear, flag", FieldCounts(14, 40, 22, 0))
    wrong = decide(tt, FieldCounts(2, 40, 3, 7))
    assert (wrong.scan, wrong.because) == ("bff", "idet overrules the top-field-first flag "
                                                  "(field_order tt)")
    assert wrong.describe() == ("interlaced, bottom field first (from the idet picture "
                                "analysis, against the stream's top-field-first flag "
                                "(field_order tt): of 52 frames, 2 top field first, 40 bottom "
                                "field first, 3 progressive, 7 undetermined)")
    # Progressive in a sample is an interlaced flag overruled too, and said.
    psf = decide(video(field_order="bb"), FieldCounts(3, 2, 60, 10))
    assert (psf.scan, psf.because) == ("progressive", "idet overrules the bottom-field-first flag "
                                                      "(field_order bb)")
    assert decide(video(field_order=None), FieldCounts(3, 2, 60, 10)).because == "idet"
    assert decide(tt, FieldCounts(60, 2, 3, 0)).because == "idet"            # agrees with it


def test_the_scan_decision_says_what_it_was_taken_from_in_words():
    # An MPEG-2 25i master whose sample idet could not read: 'interlaced, top field first (idet
    # unclear, flag; idet: 0 TFF, 0 BFF, 0 progressive, 76 undetermined)'.
    tt = video(field_order="tt")
    assert decide(tt, FieldCounts(0, 0, 0, 76)).describe() == (
        "interlaced, top field first (from the stream's flag; the idet picture analysis could "
        "not tell: all 76 frames undetermined)")
    assert decide(video(), FieldCounts(0, 0, 0, 76)).describe() == (
        "progressive (from the stream's flag; the idet picture analysis could not tell: all 76 "
        "frames undetermined)")
    assert decide(video(), FieldCounts(32, 30, 59, 0)).describe() == (
        "progressive (from the stream's flag; the idet picture analysis did not overrule it: of "
        "121 frames, 32 top field first, 30 bottom field first, 59 progressive, 0 undetermined)")
    assert decide(video(field_order=None), FieldCounts(60, 2, 3, 0)).describe() == (
        "interlaced, top field first (from the idet picture analysis: of 65 frames, 60 top field "
        "first, 2 bottom field first, 3 progressive, 0 undetermined)")
    assert decide(video(), None).describe() == "progressive (from the stream's flag)"
    assert decide(video(field_order=None), None).describe() == (
        "progressive (assumed: the stream has no field-order flag, and the picture was not "
        "analysed)")
    assert decide(tt, FieldCounts(0, 0, 0, 0)).describe() == (
        "interlaced, top field first (from the stream's flag; the idet picture analysis read no "
        "frame)")
    # The decision's record and JSON keep their codes.
    assert decide(tt, FieldCounts(0, 0, 0, 76)).to_json()["because"] == "idet unclear, flag"


def test_a_progressive_picture_coded_interlaced_keeps_its_flag_s_field_order(tmp_path):
    master = examine(probe(progressive_coded_interlaced_master(tmp_path / "psf.mp4")), AudioChoice())
    counts = master.scan.counts
    assert master.info.video.field_order == "tt" and min(counts.tff, counts.bff) >= 10   # both orders
    # Before, the larger of the two won: bottom field first, against the flag.
    assert (master.scan.scan, master.scan.because) == ("tff", "idet unclear, flag")


@pytest.mark.parametrize("name, order, size, encode", [
    ("ntsc-dv.mov", "bff", "720x480", ["-r", "30000/1001", "-pix_fmt", "yuv411p", "-c:v",
                                       "dvvideo", "-aspect", "16:9"]),
    ("prores.mov", "tff", "1920x1080", ["-r", "25", "-c:v", "prores_ks"]),
    ("prores.mkv", "bff", "1920x1080", ["-r", "25", "-c:v", "prores_ks"])])
def test_a_still_interlaced_picture_takes_its_field_order_from_its_flag_as_written(
        tmp_path, name, order, size, encode):
    # A trial's NTSC DV master, bottom field first (ffprobe: field_order bt; mediainfo:
    # "Interlaced BFF"), of little motion: idet could not tell, and the flag was read as top
    # field first, the fields to be swapped in its 1080i master.
    path = tmp_path / name
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i", f"smptebars=d=2:s={size}", "-vf",
                    f"setfield={order}", *encode, str(path)], check=True)
    told = subprocess.run(["mediainfo", "--Inform=Video;%ScanOrder%", str(path)],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert told == order.upper(), told          # the file is what it says, to another tool
    master = examine(probe(path), AudioChoice())
    assert master.info.video.field_order in ("tb", "bt"), master.info.video.field_order
    assert master.scan.scan == order, master.summary()
    assert master.scan.because in ("idet unclear, flag", "flag"), master.summary()   # its flag's


def test_a_sample_that_reads_the_other_order_more_often_does_not_overrule_the_flag(tmp_path):
    # ffmpeg's idet over the whole file agrees with the flag (TFF 76, BFF 41, progressive 33);
    # the sample read BFF 40 to TFF 14, and the master was deinterlaced bottom field first.
    master = examine(probe(progressive_coded_interlaced_master(tmp_path / "psf.mp4", seconds=6)),
                     AudioChoice())
    whole = field_counts(master.info.path)
    assert whole["tff"] > whole["bff"], whole
    counts = master.scan.counts
    assert counts.bff > counts.tff, counts          # the sample's majority is not the file's
    assert master.scan.scan == "tff"
    assert ("interlaced, top field first (from the stream's flag; the idet picture analysis "
            f"could not tell: of {counts.frames} frames, {counts.tff} top field first, "
            f"{counts.bff} bottom field first") in master.summary()


# --- sound ----------------------------------------------------------------------------------

def test_downmix_is_bs775_with_the_lfe_left_out():
    assert pan_expression("mono") == "stereo|c0=c0|c1=c0"
    assert pan_expression("stereo") == "stereo|c0=1*c0|c1=1*c1"
    assert pan_expression("5.1") == "stereo|c0=1*c0+0.7071*c2+0.7071*c4|c1=1*c1+0.7071*c2+0.7071*c5"
    assert pan_expression("5.1(side)") == pan_expression("5.1")
    assert pan_expression("7.1") == ("stereo|c0=1*c0+0.7071*c2+0.7071*c4+0.7071*c6"
                                     "|c1=1*c1+0.7071*c2+0.7071*c5+0.7071*c7")


def test_one_stream_is_used_and_any_other_is_named():
    sound, warnings = choose_streams(info(video(), audio(1)), AudioChoice())
    assert (sound.streams, sound.layout, warnings) == ((0,), "stereo", [])
    sound, warnings = choose_streams(info(video(), audio(1, 6, "5.1(side)"), audio(2)), AudioChoice())
    assert (sound.streams, sound.layout) == ((0,), "5.1(side)")
    # What the sound is made of, then what is left out.
    assert "only a:0 (stream #1, aac 5.1(side)) is used, downmixed to stereo" in str(warnings[0])
    assert len(warnings) == 2
    assert "a:1 (stream #2, aac stereo)" in str(warnings[1]) and "not used" in str(warnings[1])


def test_two_mono_streams_default_to_left_and_right_and_say_so():
    master = info(video(), audio(1, 1, "mono"), audio(2, 1, "mono"))
    sound, warnings = choose_streams(master, AudioChoice())
    assert (sound.streams, sound.layout) == ((0, 1), "stereo")
    assert "a:0 (stream #1, aac mono) is used as left, a:1 (stream #2, aac mono) as right" in str(warnings[0])
    sound, warnings = choose_streams(master, AudioChoice((1, 0)))
    assert sound.streams == (1, 0) and warnings == []


def test_split_mono_streams_without_the_key_take_tracks_1_and_2_as_left_and_right():
    # An edit suite's ProRes: the stereo mix on tracks 1-2, stems or a 5.1 on the others. The
    # first stream alone was taken as the whole mix, in both channels: the right one was lost,
    # and the warning named only the streams left out.
    master = info(video(), *(audio(i, 1, "mono") for i in range(1, 7)))
    sound, warnings = choose_streams(master, AudioChoice())
    assert (sound.streams, sound.layout) == ((0, 1), "stereo")
    said = str(warnings[0])
    assert ("has 6 audio streams: a:0 (stream #1, aac mono) is used as left, a:1 (stream #2, aac "
            "mono) as right") in said
    assert "'audio: {streams: [0, 1, 2, 3, 4, 5]}' takes them so" in said
    assert "L R C LFE Ls Rs" in said
    unused = str(warnings[1])
    assert "not used" in unused and "a:2" in unused and "a:5" in unused
    sound, warnings = choose_streams(info(video(), *(audio(i, 1, "mono") for i in range(1, 5))),
                                     AudioChoice())
    assert sound.streams == (0, 1) and "5.1" not in str(warnings[0])
    # A mono first stream beside a stereo one is the sound alone, and said so.
    sound, warnings = choose_streams(info(video(), audio(1, 1, "mono"), audio(2)), AudioChoice())
    assert sound.streams == (0,) and sound.layout == "mono"
    assert "only a:0 (stream #1, aac mono) is used, as mono, the same in the left and right " \
           "channels" in str(warnings[0])


def test_six_mono_streams_make_5_1_and_bad_choices_are_refused():
    master = info(video(), *(audio(i, 1, "mono") for i in range(1, 9)))
    sound, warnings = choose_streams(master, AudioChoice((0, 1, 2, 3, 4, 5)))
    assert sound.layout == "5.1" and "a:6" in str(warnings[0]) and "a:7" in str(warnings[0])
    with pytest.raises(PipelineError, match="give 3 channels together"):
        choose_streams(master, AudioChoice((0, 1, 2)))
    with pytest.raises(PipelineError, match=r"audio stream a:9 does not exist .* a:0 \(stream #1"):
        choose_streams(master, AudioChoice((9,)))


def test_sound_is_placed_against_the_first_frame():
    late = info(video(start_time=0.0), audio(1, start=0.48))
    assert choose_streams(late, AudioChoice())[0].delays == (0.48,)
    early = MediaInfo(Path("m.mp4"), 4.0, "mp4", (video(start_time=0.2), audio(1, start=0.0)))
    assert choose_streams(early, AudioChoice())[0].delays == (-0.2,)
    args = " ".join(ffmpeg.compile(master_sound("m.mp4", examine(late)).output("o.wav")))
    assert "adelay=all=1:delays=23040S" in args and "atrim=duration=4.0" in args


def test_silent_and_soundless_masters():
    master = examine(info(video(), audio(1)), AudioChoice(silent=True))
    assert master.sound is None and master.silent and "audio: silent" in str(master.warnings[0])
    master = examine(info(video()))
    assert master.sound is None and not master.silent and master.warnings == ()


# --- the copy path --------------------------------------------------------------------------

def fitting(**fields) -> Master:
    return examine(info(video(**fields), audio(1)))


def test_the_copy_path_needs_a_master_that_truly_fits():
    assert master_fits(fitting(), WEB)
    assert not master_fits(fitting(sar="4:3", width=1440), WEB)
    assert not master_fits(fitting(width=1080, height=1920, rotation=90), Profile("p", 1080, 1920))
    assert not master_fits(fitting(rotation=90), WEB)
    assert not master_fits(fitting(level=51), WEB)
    assert not master_fits(fitting(pix_fmt="yuv422p"), WEB)
    assert not master_fits(fitting(profile="Main"), WEB)
    assert not master_fits(fitting(fps=50.0), replace(WEB, fps=25.0))
    assert not master_fits(fitting(variable_rate=True), WEB)
    assert not master_fits(replace(fitting(), scan=ScanDecision("tff", "idet")), WEB)
    # Progressive content in a stream flagged interlaced (the sample overrules the flag): the
    # copy would carry the flag into a progressive deliverable, so it is encoded.
    for order in ("tt", "bb"):
        flagged_interlaced = fitting(field_order=order)
        assert flagged_interlaced.scan.scan == "progressive", flagged_interlaced.scan
        assert not master_fits(flagged_interlaced, WEB)
    assert master_fits(fitting(field_order=None), WEB)          # no flag: the picture decides
    assert not master_fits(fitting(start_time=0.3), WEB)      # the sound starts before the picture
    assert not master_fits(fitting(color_space="smpte170m"), WEB)   # BT.601 samples: converted
    # HDR: re-encoded and tagged BT.709 like its other variants, not copied with its HLG tags.
    assert not master_fits(fitting(color_space="bt2020nc", color_transfer="arib-std-b67"), WEB)
    assert master_fits(examine(info(video(), audio(1, start=0.3))), WEB)   # the sound moves instead


# --- manifest keys --------------------------------------------------------------------------

MANIFEST = """\
campaign: c
title: t
source_language: spa
spots:
  - id: a
    master: m.mp4
{spot}
languages:
  - code: nah
    treatment: burn
"""


def spot_errors(tmp_path, spot: str) -> list[str]:
    path = tmp_path / "m.yaml"
    path.write_text(MANIFEST.format(spot=spot))
    with pytest.raises(ValidationError) as caught:
        load_manifest(path)
    return [d.format() for d in caught.value.diagnostics]


def test_audio_and_crop_keys_are_read(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MANIFEST.format(spot="    audio: {streams: [1, 0]}\n    crop: {width: 1440, "
                                         "height: 1080, x: 240, y: 0}"))
    spot = load_manifest(path).spots[0]
    assert spot.audio == AudioChoice((1, 0), line=7)
    assert spot.crop == Crop(1440, 1080, 240, 0)
    path.write_text(MANIFEST.format(spot="    audio: silent"))
    assert load_manifest(path).spots[0].audio == AudioChoice(silent=True, line=7)


@pytest.mark.parametrize("spot,message", [
    ("    audio: loud", "7: error: audio 'loud' is not 'silent' nor a mapping"),
    ("    audio: {streams: []}", "7: error: audio.streams must be a non-empty list"),
    ("    audio: {streams: [x]}", "7: error: audio stream must be a number, got 'x'"),
    ("    audio: {streams: [0, 0]}", "7: error: audio.streams lists a stream twice"),
    ("    audio:\n      channels: 2", "8: error: unknown key 'channels' in audio"),
    ("    crop: {width: 10, height: 10}", "7: error: missing required key 'x' in crop"),
])
def test_bad_audio_and_crop_keys_are_reported_with_their_line(tmp_path, spot, message):
    errors = spot_errors(tmp_path, spot)
    assert any(line.startswith(f"{tmp_path / 'm.yaml'}:{message}") for line in errors), errors


# --- what examining a master costs ----------------------------------------------------------

def started_processes(monkeypatch) -> list[list[str]]:
    """Every process started from now on (recorded, then really run)."""
    import subprocess

    started: list[list[str]] = []
    real = subprocess.Popen.__init__

    def spy(self, args, *rest, **kwargs):
        started.append(list(map(str, args)))
        real(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", spy)
    return started


def idet_runs(started: list[list[str]]) -> list[list[str]]:
    """The ffmpeg commands of `started` that sample a picture with idet (and cropdetect)."""
    return [args for args in started if any(arg.startswith("idet") for arg in args)]


def test_a_progressive_master_no_interlaced_format_could_be_costs_one_probe_and_others_idet_once(
        campaign, monkeypatch):
    from pipeline.render.plan import build_plan
    from tests.conformmedia import interlaced_master

    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    started = started_processes(monkeypatch)
    plan = build_plan([manifest])      # 320x180, flagged progressive: no sample could overrule it
    assert (plan.variants[0].conform.scan.scan, plan.variants[0].conform.scan.because) == \
        ("progressive", "flag")
    assert not idet_runs(started)
    plan.save_caches()

    interlaced_master(campaign.root / "media/spot.mp4")
    started.clear()
    plan = build_plan([manifest])
    assert plan.variants[0].conform.scan.scan == "tff"
    assert len(idet_runs(started)) == 1
    plan.save_caches()
    started.clear()
    assert build_plan([manifest]).variants[0].conform.scan.scan == "tff"
    assert not idet_runs(started)           # kept by content


def test_probe_entries_of_an_older_model_are_not_read(campaign):
    """The probe cache is keyed by the model's version: an entry written before the model knew
    about SAR, rotation or start times is probed again, not misread as square and upright."""
    import json

    from pipeline.fingerprint import CACHE_NAME, sha256_file
    from pipeline.render.plan import build_plan

    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    master = campaign.root / "media/spot.mp4"
    old = {"path": str(master), "duration": 99.0, "format_name": "mov",
           "streams": [{"index": 0, "kind": "video", "codec": "h264", "width": 2, "height": 2}]}
    cache = campaign.root / "build" / CACHE_NAME
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps({"measures": {f"probe:probe_video:{sha256_file(master)}": old}}))
    plan = build_plan([manifest]).variants[0]
    assert plan.master.duration == 4.0 and plan.master.video.width == 320


def test_woven_fields_in_an_mpeg_ts_with_one_keyframe_are_still_sampled(campaign):
    """ffmpeg 5.1's seek in MPEG-TS lands on the next keyframe: in a file with one, the sample
    a quarter in read no frame, and the `progressive` flag won over woven fields, silently
    (found by a fresh-user trial). The sample is taken in a copy of the picture into MOV."""
    import yaml

    from pipeline.render.plan import build_plan
    from tests.conformmedia import X264, ffmpeg

    woven = ("testsrc2=size=720x576:rate=50:duration=6[b];color=white:size=16x576:rate=50[bar];"
             "[b][bar]overlay=x='mod(t*1200,700)':shortest=1,interlace=scan=tff")
    ffmpeg("-f", "lavfi", "-i", woven, *X264, "-g", "1000", "-an", "-f", "mpegts",
           str(campaign.root / "media/spot.ts"))
    campaign.subtitle("nah")
    data = campaign.data([{"code": "nah", "treatment": "burn"}])
    data["spots"][0] |= {"master": "../media/spot.ts", "audio": "silent"}
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    scan = build_plan([campaign.manifest]).variants[0].conform.scan
    assert scan.counts.frames >= 75 and scan.scan == "tff", scan
    assert scan.because == "idet overrules the progressive flag", scan


def test_woven_fields_flagged_progressive_are_found_and_deinterlaced(campaign):
    """Issue 10: `idet` when the flag is wrong. The fields of a 576i picture coded as progressive
    (the stream says so) are found by their combing, in one field order on nearly every frame;
    the 320x180 test masters, which idet misreads, keep their flag (no interlaced format has
    180 lines)."""
    from pipeline.render.plan import build_plan
    from tests.conformmedia import misflagged_interlaced_master

    misflagged_interlaced_master(campaign.root / "media/spot.mp4")
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    scan = build_plan([manifest]).variants[0].conform.scan
    assert scan.scan == "tff" and scan.because == "idet overrules the progressive flag", scan
    # `pipeline plan` says so before anything renders: on stderr (stdout stays one line per
    # variant) and in its JSON.
    import json

    from click.testing import CliRunner

    from pipeline.cli.main import cli

    result = CliRunner().invoke(cli, ["plan", str(manifest)])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stderr.splitlines() if line.startswith("master "))
    assert line.startswith("master test-campaign/spot: 720x576, SAR 1:1 (5:4), 25 fps, interlaced, "
                           f"top field first (from the idet picture analysis, against the "
                           f"stream's progressive flag: of {scan.counts.frames} frames, "
                           f"{scan.counts.tff} top field first, {scan.counts.bff} bottom field "
                           "first,"), line
    assert not [line for line in result.stdout.splitlines() if line.startswith("master ")]
    masters = json.loads(CliRunner().invoke(cli, ["plan", str(manifest), "--json"]).stdout)["masters"]
    assert [(m["spot"], m["picture"]["scan"]["scan"]) for m in masters] == [("spot", "tff")]


def test_an_hdr_master_is_named_where_the_user_looks(campaign):
    """A phone's HLG video is tone-mapped: `plan` says so where it says how each master's
    picture is read (stderr), and warns of nothing (it warned "not tone-mapped")."""
    from click.testing import CliRunner

    from pipeline.cli.main import cli
    from tests.conformmedia import ffmpeg

    master = campaign.root / "media/spot.mp4"
    tagged = master.with_name("hlg.mp4")
    ffmpeg("-i", str(master), "-c", "copy", "-bsf:v", "h264_metadata=colour_primaries=9:"
           "transfer_characteristics=18:matrix_coefficients=9", str(tagged))
    tagged.replace(master)
    campaign.subtitle("nah")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = CliRunner().invoke(cli, ["plan", str(manifest)])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stderr.splitlines() if line.startswith("master "))
    assert "HDR HLG (BT.2020), tone-mapped to BT.709 SDR: reference white 203 cd/m2" in line, line
    assert "picture-colour" not in result.output and "HDR" not in result.stdout, result.output
    assert "the master's" not in result.output, result.output


def test_a_variable_rate_master_is_made_constant_at_the_standard_rate_nearest_its_base():
    # The probe reads a variable-rate picture's rate as the constant one it is made at: the
    # standard rate nearest ffprobe's base rate (its fastest stretch), not its average.
    raw = {"index": 0, "codec_type": "video", "codec_name": "h264", "r_frame_rate": "30/1",
           "avg_frame_rate": "4950/263"}
    phone = _stream(raw, "video")
    assert phone.variable_rate and phone.fps == 30.0 and phone.average_fps == pytest.approx(18.821, abs=1e-3)
    assert _stream(raw | {"avg_frame_rate": "30/1"}, "video").fps == 30.0
    assert constant_rate(30.2) == 30 and constant_rate(29.97) == Fraction(30000, 1001)
    # A timescale read as a rate (90000) is not given to it: the probe measures the fastest
    # stretch from the frames' times instead (test_frame_rate.py).
    master = examine(info(video(fps=phone.fps, variable_rate=True, average_fps=18.82), audio(1)))
    assert master.constant_rate == 30 and master.picture_settings["constant_rate"] == "30"
    args = " ".join(ffmpeg.compile(master_picture("m.mp4", master, SMALL).output("o.mp4")))
    assert "fps=30/1" in args and "trim=end_frame=120" in args, args     # 4 s at 30
    # A constant-rate master's graph, settings and so fingerprints are as they were.
    steady = examine(info(video(fps=30.0), audio(1)))
    args = " ".join(ffmpeg.compile(master_picture("m.mp4", steady, SMALL).output("o.mp4")))
    assert "fps=" not in args and "trim" not in args and "constant_rate" not in steady.picture_settings


def test_a_picture_letterboxed_in_the_master_s_own_frame_is_said_with_the_crop_to_give(campaign):
    # A trial's PAL 4:3 master holding a 16:9 picture in its middle 432 lines came out as a
    # small picture inside black on every side of the 1920x1080 frame, its burned subtitles
    # in the black under it, and nothing said (a portrait master is told of its bars).
    from click.testing import CliRunner

    from pipeline.cli.main import cli
    from tests.conformmedia import disc_master
    from tests.conftest import ffmpeg as run

    master = campaign.root / "media/spot.mp4"
    run("-f", "lavfi", "-i", "testsrc2=size=720x432:rate=25:duration=4", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000:duration=4", "-vf",
        "pad=720:576:0:72:black,setsar=16/15", "-c:v", "libx264", "-preset", "ultrafast",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-y", str(master))
    campaign.audio("yua")
    manifest = campaign.write([{"code": "yua", "treatment": "dub"}])
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 0, result.output
    assert (f"{manifest}:5: warning: spot spot, profile 'small': the master's picture looks to be "
            "720x432 inside black bars of its own 720x576 frame: it fills 56 % of the 320x180 "
            "frame (hint: if they are bars (look at a frame: a dark "
            "scene reads as bars too), give the spot 'crop: {width: 720, height: 432, x: 0, "
            "y: 72}')") in result.stderr, result.stderr
    # Given that crop, the picture fills the frame: nothing to say.
    data = campaign.data([{"code": "yua", "treatment": "dub"}])
    data["spots"][0]["crop"] = {"width": 720, "height": 432, "x": 0, "y": 72}
    manifest.write_text(json.dumps(data), encoding="utf-8")     # YAML is JSON's superset
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 0 and "bars" not in result.stderr, result.stderr
    # A picture filling its own frame is not said either, sampled all the same (576 lines).
    run("-f", "lavfi", "-i", "testsrc2=size=720x576:rate=25:duration=4", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000:duration=4", "-vf", "setsar=16/15", "-c:v",
        "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(master))
    result = CliRunner().invoke(cli, ["validate", str(campaign.write(
        [{"code": "yua", "treatment": "dub"}]))])
    assert result.exit_code == 0 and "bars" not in result.stderr, result.stderr
    # Nor a white disc on black: black on four sides is no letterbox or pillarbox (3 s: burned
    # subtitles, not the 3.5 s dub).
    disc_master(master, 720, 576, (16, 15), 180)
    campaign.subtitle("nah")
    result = CliRunner().invoke(cli, ["validate", str(campaign.write(
        [{"code": "nah", "treatment": "burn"}]))])
    assert result.exit_code == 0 and "bars" not in result.stderr, result.stderr


@pytest.mark.parametrize("geometry, profile, fit, said", [
    (Geometry(720, 576, Fraction(64, 45)), "web", None, [720, 576]),   # anamorphic SD in HD
    (Geometry(1280, 720), "web", None, [1280, 720]),
    # A crop profile enlarges the slice its frame shows, not the whole picture.
    (Geometry(1920, 1080), "vertical", "crop", [607, 1080]),
    (Geometry(640, 360), "square", None, [360, 360]),
    # A few lines short of the frame, or a picture made smaller: nothing said.
    (Geometry(1918, 1078), "web", None, None),
    (Geometry(1920, 1080), "square", None, None),
    (Geometry(1920, 1080), "vertical", None, None)])
def test_an_enlarged_picture_is_said_with_the_part_of_the_master_it_shows(geometry, profile, fit,
                                                                          said):
    chosen = BUILTIN_PROFILES[profile]
    assert upscaled_from(geometry, replace(chosen, fit=fit) if fit else chosen) == said
