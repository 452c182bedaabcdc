"""The codebook of themes: the default one plus what organizations and projects added.

Below the domains that offer themes as choices (projects, surveys) and the analysis that codes
by them."""
