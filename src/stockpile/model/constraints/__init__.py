"""One module per topic, one ``add_<family>`` function per constraint family."""
