"""The grouping rule and the schedule: which pictures share a decode, how x264 threads are
spread, how many processes run at once, and what waits for what."""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.media import ffmpeg as ffmpeg_module
from pipeline.render import batch, costs, machine
from pipeline.render.plan import build_plan
from pipeline.render.schedule import build_units
from tests.conftest import SMALL_PROFILES, SRT
from tests.mediacheck import FFMPEG
from tests.mediacheck import streams as ffprobe_streams

WEB = costs.Picture(1920, 1080, "medium", refit=False, burned=True)
PROXY = costs.Picture(640, 360, "veryfast", refit=True, burned=True)
FRAMES = 250                      # 10 s at 25 fps
MASTER = 1920 * 1080 / 1e6


def groups(pictures, **machine):
    return costs.group_pictures(list(range(len(pictures))), pictures.__getitem__, MASTER, FRAMES,
                                **machine)


def test_on_two_cores_every_picture_of_a_spot_shares_one_decode():
    assert groups([WEB] * 8, cores=2, slots=2, memory_mib=16000) == [list(range(8))]
    assert groups([WEB, WEB, PROXY, PROXY, PROXY], cores=2, slots=2, memory_mib=16000) == \
        [[0, 1, 2, 3, 4]]


def test_groups_are_cut_to_what_memory_holds():
    def memory(count: int) -> float:
        return costs.estimate([WEB] * count, MASTER, FRAMES).memory

    assert sorted(map(len, groups([WEB] * 4, cores=2, slots=2, memory_mib=memory(3) - 1))) == [2, 2]
    assert len(groups([WEB] * 4, cores=2, slots=2, memory_mib=memory(4) - 1)) == 2
    assert groups([WEB] * 4, cores=2, slots=2, memory_mib=memory(1)) == [[0], [1], [2], [3]]


def test_with_many_cores_one_filtering_thread_is_the_bottleneck_and_decodes_are_split():
    # 64 cores encode eight pictures faster than one ffmpeg thread can burn subtitles into all
    # eight (ffmpeg 5.1 filters in one thread): the decode is worth paying twice.
    one = costs.estimate([WEB] * 8, MASTER, FRAMES)
    assert one.serial > one.cpu / 64
    assert len(groups([WEB] * 8, cores=64, slots=8, memory_mib=64000)) > 1


def test_x264_threads_never_serialise_the_encoders_of_a_shared_decode():
    assert costs.x264_threads(4, pictures_running=1, cores=2) == 0    # alone: x264 decides
    assert costs.x264_threads(1, pictures_running=2, cores=2) == 1    # its share of the cores
    assert costs.x264_threads(4, pictures_running=2, cores=2) == 2    # not 1: see docstring
    assert costs.x264_threads(4, pictures_running=2, cores=16) == 8


def test_copies_wait_for_the_audio_and_the_picture_they_copy_and_pictures_for_nothing(campaign):
    # The master fits `small` and is re-framed for `tall`: tall's soft and dub variants copy a
    # picture that the pictures unit makes along with the burns.
    for code in ("nah", "zai", "tzo"):
        campaign.subtitle(code)
    campaign.audio("yua")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "zai", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"},
                               {"code": "yua", "treatment": "dub"}], profiles=SMALL_PROFILES)
    units = build_units(build_plan([manifest]).variants, cores=2, slots=2, memory_mib=8000)
    kinds = {kind: [u for u in units if u.kind == kind] for kind in ("audio", "pictures", "remux")}
    (pictures,) = kinds["pictures"]
    assert sorted(p.variant.stem for p in pictures.plans) == \
        ["spot.nah.small", "spot.nah.tall", "spot.zai.small", "spot.zai.tall"]
    assert [p.variant.profile.name for p in pictures.shared] == ["tall"]
    # One audio track per source and profile audio settings: master x 2 profiles, dub x 2.
    assert len(kinds["audio"]) == 4
    # The pictures wait for nothing: the burns' audio is copied in after their encode.
    assert pictures.needs == []
    # Per profile, one copying unit for the soft variants (the master's track, made early) and
    # one for the dubbed ones (their own tracks): each variant waits for its audio track, and
    # on tall for the shared picture too.
    assert sorted(sorted(p.variant.stem for p in remux.plans) for remux in kinds["remux"]) == \
        [["spot.tzo.small"], ["spot.tzo.tall"], ["spot.yua.small"], ["spot.yua.tall"]]
    for remux in kinds["remux"]:
        tall = remux.plans[0].variant.profile.name == "tall"
        for plan, needs in zip(remux.plans, remux.needs_of):
            assert {need.kind for need in needs} == ({"audio", "pictures"} if tall else {"audio"})
        assert {id(need) for need in remux.needs} == {id(n) for needs in remux.needs_of for n in needs}
    assert len({id(remux.needs[0]) for remux in kinds["remux"]}) == 4   # four audio tracks
    # The longest chain first: the pictures, which a copy waits for, outrank all.
    assert pictures.rank > max(u.rank for u in kinds["audio"] + kinds["remux"])


def test_a_picture_two_profiles_carry_is_one_encoder_of_its_unit(campaign):
    # `quiet` differs from `tall` only in its sound: nah's burned picture and the picture the
    # soft variants copy are the same for both, one encoder each; each profile's soft variants
    # wait for the unit that makes their picture; a language burned alone is one encoder more.
    for code in ("nah", "tzo"):
        campaign.subtitle(code)
    tall = SMALL_PROFILES["tall"]
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"}],
                              profiles={"tall": tall, "quiet": {**tall, "loudness": -23.0},
                                        "wide": SMALL_PROFILES["small"]})
    units = build_units(build_plan([manifest]).variants, cores=2, slots=2, memory_mib=8000)
    (pictures,) = [u for u in units if u.kind == "pictures"]
    assert sorted(p.variant.stem for p in pictures.plans) == \
        ["spot.nah.quiet", "spot.nah.tall", "spot.nah.wide"]
    assert sorted(p.variant.profile.name for p in pictures.shared) == ["quiet", "tall"]
    assert pictures.encoders == 3          # nah in the tall frame, in the wide one, the shared
    for remux in (u for u in units if u.kind == "remux"):
        copies_a_picture = remux.plans[0].variant.profile.name != "wide"   # the master fits wide
        assert (pictures in remux.needs) == copies_a_picture


def test_a_size_capped_picture_pays_its_first_pass_and_a_second_decode():
    capped = costs.Picture(1280, 720, "medium", refit=True, burned=True, passes=2)
    single = costs.Picture(1280, 720, "medium", refit=True, burned=True)
    two, one = (costs.estimate([p], MASTER, FRAMES) for p in (capped, single))
    assert two.cpu > one.cpu + FRAMES * costs.DECODE * MASTER           # the pass-1 run's decode
    assert two.serial == 2 * one.serial                                 # its filters run twice
    assert two.memory == one.memory                                     # the runs follow each other
    # With a single-pass picture beside it, only the capped one is filtered again.
    both = costs.estimate([capped, WEB], MASTER, FRAMES)
    assert both.serial == pytest.approx(two.serial + costs.estimate([WEB], MASTER, FRAMES).serial)


def test_masters_and_audio_only_variants_are_units_of_their_own(campaign):
    campaign.subtitle("nah")
    campaign.audio("yua")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "yua", "treatment": "dub"}],
                              {"small": SMALL_PROFILES["small"],
                               "broadcast-prores": {"leader": None}, "radio-mp3": None})
    plan = build_plan([manifest])
    assert not plan.errors, plan.errors
    units = build_units(plan.variants, cores=2, slots=2, memory_mib=8000)
    by_profile = {}
    for unit in units:
        for p in unit.plans + unit.shared:
            if unit.kind != "audio":
                by_profile.setdefault(p.variant.profile.name, set()).add(unit.kind)
    # A master is never burned or framed in a shared decode: a process of its own, which waits
    # for its audio track and costs more than the burn of its frame.
    assert by_profile == {"small": {"pictures", "remux"}, "broadcast-prores": {"master"},
                          "radio-mp3": {"sound"}}
    masters = [u for u in units if u.kind == "master"]
    assert len(masters) == 2 and all([n.kind for n in u.needs] == ["audio"] for u in masters)
    burn = costs.estimate([costs.Picture(1920, 1080, "medium", refit=False, burned=True)],
                          masters[0].plans[0].master.video.width
                          * masters[0].plans[0].master.video.height / costs.MEGAPIXEL, 1)
    assert masters[0].cost > burn.cpu and masters[0].encoders == 1
    # The radio MP3 levels its own sound (no shared track to wait for); only `dub` has one.
    (sound,) = [u for u in units if u.kind == "sound"]
    assert sound.needs == [] and sound.plans[0].variant.language.code == "yua"


@pytest.mark.e2e
def test_a_size_capped_picture_shares_a_decode_with_other_profiles(campaign):
    # messaging (two passes, size-capped) and small burned from one decode, with messaging's
    # shared picture for the soft language: a first-pass run for the messaging pictures alone,
    # then every picture.
    for code in ("nah", "tzo"):
        campaign.subtitle(code)
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "soft"}],
                              {"small": SMALL_PROFILES["small"],
                               "messaging": {"preset": "veryfast", "soft_subtitles": "track"}})
    units = build_units(build_plan([manifest]).variants, cores=2, slots=2, memory_mib=8000)
    (pictures,) = [u for u in units if u.kind == "pictures"]
    assert sorted(p.variant.stem for p in pictures.plans) == ["spot.nah.messaging", "spot.nah.small"]
    assert [p.variant.profile.name for p in pictures.shared] == ["messaging"]
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in ("spot.nah.messaging.mp4", "spot.tzo.messaging.mp4"):
        out = campaign.out / name
        assert out.stat().st_size <= 16e6 * 4.0 / 60, name      # 16 MB a minute, a 4 s spot
        video = ffprobe_streams(out)[0]
        assert (video["codec_name"], video["width"], video["height"]) == ("h264", 1280, 720)
    assert ffprobe_streams(campaign.out / "spot.nah.small.mp4")[0]["width"] == 320


def test_two_spots_dubbed_with_the_same_recording_each_have_their_audio_unit(campaign):
    # A track is kept in its spot's folder: the second spot's is made by an audio unit of its
    # own, up front beside the encodes, not late inside its copying unit (found in make bench:
    # shape e's two spots share their dub recordings, and two levellings ran after the last
    # encode).
    campaign.audio("yua")
    (campaign.root / "audio/spot2").mkdir()
    shutil.copy(campaign.root / "audio/spot/yua.wav", campaign.root / "audio/spot2/yua.wav")
    data = campaign.data([{"code": "yua", "treatment": "dub"}])
    data["spots"].append({**data["spots"][0], "id": "spot2"})
    campaign.manifest.write_text(yaml.safe_dump(data), encoding="utf-8")
    plan = build_plan([campaign.manifest])
    assert not plan.errors, plan.errors
    units = build_units(plan.variants, cores=2, slots=3, memory_mib=8000)
    remuxes = [u for u in units if u.kind == "remux"]
    assert sorted(u.plans[0].variant.spot.id for u in remuxes) == ["spot", "spot2"]
    (first,), (second,) = (u.needs for u in remuxes)
    assert first is not second and first.kind == second.kind == "audio"


def scheduled_render(campaign, tmp_path, monkeypatch, profiles=None) -> list[tuple]:
    """Three spots, each with a burned and a soft language, rendered with "two cores" and four
    jobs through a real ffmpeg behind a wrapper that logs when each process starts and ends,
    and holds an x264 process 2 s longer (tiny test pictures encode in a blink: without it,
    whether two of them overlap is luck). Returns the processes as the scheduler ran them:
    (time, "start" or "end", what: "encode", "levelling" or "other"), in time order."""
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    data = campaign.data([{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"}],
                         profiles)
    for spot in ("spot2", "spot3"):
        data["spots"].append({**data["spots"][0], "id": spot})
        (campaign.root / "subtitles" / spot).mkdir()
        for code in ("nah", "tzo"):
            (campaign.root / "subtitles" / spot / f"{code}.srt").write_text(SRT, encoding="utf-8")
    campaign.manifest.write_text(yaml.safe_dump(data), encoding="utf-8")
    log, wrapper = tmp_path / "calls.log", tmp_path / "ffmpeg"
    wrapper.write_text(f'#!/bin/bash\necho "start $(date +%s.%N) $$ $*" >> {log}\n'
                       f'{FFMPEG} "$@"\nstatus=$?\n'
                       'case " $* " in *" libx264 "*) sleep 2;; esac\n'
                       f'echo "end $(date +%s.%N) $$" >> {log}\nexit $status\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("FFMPEG", str(wrapper))
    monkeypatch.setattr(batch, "cores", lambda: 2)
    ffmpeg_module.ffmpeg_binary.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["render", str(campaign.manifest), "-j", "4"],
                                    catch_exceptions=False)
    finally:
        ffmpeg_module.ffmpeg_binary.cache_clear()
    assert result.exit_code == 0 and "6 rendered" in result.output, result.output
    events, what = [], {}
    for line in log.read_text().splitlines():
        kind, at, pid, *args = line.split(" ")
        events.append((float(at), kind, pid))
        if kind == "start":
            what[pid] = ("encode" if "libx264" in args else
                         # the render's levelling (planning's measurements write no track)
                         "levelling" if any(".audio.partial" in arg for arg in args) else "other")
    assert sum(kind == "encode" for kind in what.values()) == 3, "one picture process per spot"
    return [(at, kind, pid, what[pid]) for at, kind, pid in sorted(events)]


def running_counts(events: list[tuple]):
    """(time, start or end, what, processes running, encodes running) after each event."""
    running: dict[str, str] = {}
    for at, kind, pid, what in events:
        if kind == "start":
            running[pid] = what
        else:
            running.pop(pid, None)
        yield at, kind, what, len(running), sum(w == "encode" for w in running.values())


@pytest.mark.e2e
def test_never_more_encodes_at_once_than_cores_and_other_work_beside_them(campaign, tmp_path,
                                                                         monkeypatch):
    # Two x264 processes at once, never three, never more than four processes; and the encodes
    # do not wait for the audio (it is copied in at their end): the first x264 process starts
    # before the first levelling ends.
    events = scheduled_render(campaign, tmp_path, monkeypatch)
    counts = list(running_counts(events))
    assert max(c[4] for c in counts) == 2 and 2 < max(c[3] for c in counts) <= 4
    first_encode = next(at for at, kind, what, _, _ in counts if kind == "start" and what == "encode")
    first_levelled = next(at for at, kind, what, _, _ in counts if kind == "end" and what == "levelling")
    assert first_encode < first_levelled


@pytest.mark.e2e
def test_burns_a_loudness_standard_may_refuse_wait_for_their_audio_on_the_cores_alone(
        campaign, tmp_path, monkeypatch):
    # A profile naming EBU R128 (`broadcast`) may refuse a track: its burns wait for their
    # audio. Meanwhile the other units keep to the cores (no third process slowing the audio
    # the encodes wait for), and then two x264 processes run at once, never three.
    profiles = {"tv": {"base": "broadcast", "width": 320, "height": 180, "preset": "ultrafast"}}
    counts = list(running_counts(scheduled_render(campaign, tmp_path, monkeypatch, profiles)))
    assert max(c[4] for c in counts) == 2 and max(c[3] for c in counts) <= 4
    first_levelling = next(i for i, c in enumerate(counts) if c[1] == "start" and c[2] == "levelling")
    first_encode = next(i for i, c in enumerate(counts) if c[1] == "start" and c[2] == "encode")
    assert any(c[1] == "end" and c[2] == "levelling" for c in counts[first_levelling:first_encode])
    assert max(c[3] for c in counts[first_levelling:first_encode]) <= 2


def test_by_default_one_job_more_than_cores(monkeypatch):
    monkeypatch.setattr(machine, "cores", lambda: 2)
    assert machine.default_jobs() == 3
