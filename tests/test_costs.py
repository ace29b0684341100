"""The grouping rule and the schedule: which pictures share a decode, how x264 threads are
spread, and what waits for what."""

from __future__ import annotations

from pipeline.render import costs
from pipeline.render.plan import build_plan
from pipeline.render.schedule import build_units
from tests.conftest import SMALL_PROFILES

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


def test_units_wait_for_the_audio_and_the_picture_they_copy(campaign):
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
    assert all(need.kind == "audio" for need in pictures.needs) and len(pictures.needs) == 2
    for remux in kinds["remux"]:
        (plan,) = remux.plans
        expected = {"audio", "pictures"} if plan.variant.profile.name == "tall" else {"audio"}
        assert {need.kind for need in remux.needs} == expected
    # The longest chain first: the master's audio, which the pictures wait for, outranks all.
    master_audio = max(pictures.needs, key=lambda u: u.rank)
    assert master_audio.rank > pictures.rank > max(u.rank for u in kinds["remux"])
