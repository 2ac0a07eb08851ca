"""setup.py keeps a full mmcv the user has and brings mmcv-lite otherwise."""
import importlib.util
import os.path as osp

from conftest import REPO_ROOT


def load_setup():
    spec = importlib.util.spec_from_file_location(
        'aplt_setup', osp.join(REPO_ROOT, 'setup.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not __main__: setup() does not run
    return module


def test_reads_installed_versions_in_a_clean_process():
    setup = load_setup()
    import mmengine
    assert setup.installed_version('mmengine') == mmengine.__version__
    assert setup.installed_version('surely-not-installed-dist') is None


def test_full_mmcv_is_kept_and_lite_is_the_default(monkeypatch):
    setup = load_setup()
    monkeypatch.setattr(setup, 'installed_version',
                        lambda dist: '2.0.1' if dist == 'mmcv' else None)
    assert setup.mmcv_requirement() == 'mmcv>=2.0.0,<2.1.0'
    monkeypatch.setattr(setup, 'installed_version', lambda dist: None)
    assert setup.mmcv_requirement() == 'mmcv-lite>=2.0.0,<2.1.0'


def test_runtime_requirements_pin_mmaction():
    setup = load_setup()
    requirements = setup.read_requirements('runtime.txt')
    assert 'mmaction2==1.1.0' in requirements
    assert not any(r.startswith('mmcv') for r in requirements)
