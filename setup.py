"""Install aplt_mm, the APLT plugin for MMAction2.

``pip install -e .`` brings the runtime set in ``requirements/runtime.txt``
plus one mmcv distribution (see :func:`mmcv_requirement`).
"""
import os
import subprocess
import sys

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))

# mmaction2 1.1.0 asserts mmcv < 2.1.0.
MMCV_RANGE = '>=2.0.0,<2.1.0'


def read_requirements(name):
    with open(os.path.join(HERE, 'requirements', name)) as f:
        return [
            line.split('#')[0].strip() for line in f
            if line.split('#')[0].strip()
        ]


def installed_version(dist):
    """Version of ``dist`` in the target environment, or None.

    pip may build this package in an isolated environment that hides the
    user's site-packages, so ask the target interpreter in a clean process.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ('PYTHONPATH', 'PYTHONNOUSERSITE')
    }
    probe = ('import importlib.metadata as m\n'
             f'try: print(m.version({dist!r}))\n'
             'except m.PackageNotFoundError: pass')
    try:
        out = subprocess.run([sys.executable, '-c', probe],
                             env=env,
                             capture_output=True,
                             text=True,
                             timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def mmcv_requirement():
    """Keep a full ``mmcv`` the user already has, else bring ``mmcv-lite``.

    Both distributions provide the ``mmcv`` package; installing one beside
    the other leaves two conflicting copies. Recognizers need no compiled
    mmcv ops, so the pure-Python ``mmcv-lite`` wheel is the default.
    """
    if installed_version('mmcv') is not None:
        return f'mmcv{MMCV_RANGE}'
    return f'mmcv-lite{MMCV_RANGE}'


def get_version():
    scope = {}
    with open(os.path.join(HERE, 'aplt_mm', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


if __name__ == '__main__':
    setup(
        name='aplt_mm',
        version=get_version(),
        description='APLT (Asynchronous Pseudo Labeling and Training) for '
        'semi-supervised micro-action recognition, an MMAction2 plugin',
        long_description=open(os.path.join(HERE, 'README.md')).read()
        if os.path.exists(os.path.join(HERE, 'README.md')) else '',
        long_description_content_type='text/markdown',
        license='Apache-2.0',
        packages=find_packages(include=['aplt_mm', 'aplt_mm.*']),
        python_requires='>=3.8',
        install_requires=read_requirements('runtime.txt') +
        [mmcv_requirement()],
        extras_require=dict(tests=read_requirements('tests.txt')),
        zip_safe=False,
    )
