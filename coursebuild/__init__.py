"""Build-side code of the course: everything that builds, checks and measures the site.

Students never need it, and the student edition (``python -m coursebuild.student``) leaves it out:

* :mod:`coursebuild.sphinxext`  the Sphinx/MyST-NB extension (self-hosted charts, incremental execution,
  the "Build status" page)
* :mod:`coursebuild.deps`       what each notebook's outputs depend on (chapter modules, datasets, content files)
* :mod:`coursebuild.build`      ``make book``: an incremental build that publishes only a site that built cleanly
* :mod:`coursebuild.discover`   the pages, notebooks and explorers, found the same way by tests and benchmarks
* :mod:`coursebuild.buildstatus` the benchmark report as HTML
* :mod:`coursebuild.student`    the student edition
"""
