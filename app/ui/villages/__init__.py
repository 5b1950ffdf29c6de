"""村情档案, in parts: the village list, the village page, their tables and edits.

:class:`app.ui.villages_tab.VillagesTab` puts them together with the households panel.
"""
