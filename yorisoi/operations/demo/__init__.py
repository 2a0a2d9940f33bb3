"""Fictional demo data: word lists and the chunked generator behind `manage.py seed_demo`.

Everything here is invented. Names are drawn from lists of common Japanese family and given names
(no real person is described); persons live in the fictional prefecture of the center's fictional
directory of agencies (partners/demo.py), relatives also in real municipalities without any street;
officers, facilities and narratives come from that directory and from templates.
"""
