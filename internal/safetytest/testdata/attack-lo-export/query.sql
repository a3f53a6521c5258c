SELECT lo_export(424242, '{{SCRATCH}}/pwned_lo')
